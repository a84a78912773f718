#!/usr/bin/env bash
# Starts a local PostgreSQL with the pgvector extension for the pgvector tests and benchmark, idempotently:
# an installed extension is not rebuilt and a running server is reused. Prints the connection string.
# Debian 12 ships no pgvector package, so the extension is built from Debian's pgvector source tarball
# against postgresql-server-dev-15 (about 45 s once). Environment: LLMSERVE_PG_PORT (default 55432),
# LLMSERVE_PG_DIR (data folder, default /tmp/llmserve-pgvector).
set -euo pipefail
port=${LLMSERVE_PG_PORT:-55432}
data=${LLMSERVE_PG_DIR:-/tmp/llmserve-pgvector}
version=0.8.0
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
# A fresh machine may have empty package lists: refresh them once when an install fails.
apt_install() {
  as_root apt-get install -y --no-install-recommends "$@" >&2 ||
    { as_root apt-get update >&2 && as_root apt-get install -y --no-install-recommends "$@" >&2; }
}

# Debian's PostgreSQL 15 layout; its own pg_config (from postgresql-client-15) works before any -dev package exists.
pg_config=/usr/lib/postgresql/15/bin/pg_config
if [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
  apt_install postgresql-15
fi
bindir=$("$pg_config" --bindir)
if [ ! -f "$("$pg_config" --sharedir)/extension/vector.control" ]; then
  if [ ! -f "$("$pg_config" --includedir-server)/postgres.h" ] || ! command -v make >/dev/null 2>&1 || ! command -v curl >/dev/null 2>&1; then
    apt_install postgresql-server-dev-15 build-essential curl
  fi
  src=$(mktemp -d)
  curl -fsSL "http://deb.debian.org/debian/pool/main/p/pgvector/pgvector_${version}.orig.tar.gz" | tar -xz -C "$src"
  # OPTFLAGS="" drops -march=native, so the built library also runs on other CPUs of the same architecture.
  make -C "$src"/pgvector-* PG_CONFIG="$pg_config" OPTFLAGS="" >&2
  as_root make -C "$src"/pgvector-* PG_CONFIG="$pg_config" install >&2
  rm -rf "$src"
fi

# PostgreSQL refuses to run as root: run the server as the postgres account when we are root.
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    run_pg "$bindir/initdb" -D "$data" -U postgres --auth=trust >&2
  fi
  run_pg "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=256MB -c maintenance_work_mem=512MB" start >&2
fi
"$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE EXTENSION IF NOT EXISTS vector" >&2
echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
