#!/usr/bin/env bash
# Runs every test of LlmServe on a fresh Linux machine with the .NET SDK.
# It first provisions what the tests need (idempotently: a second run re-installs nothing), then runs
# `dotnet test LlmServe.sln` and prints a one-line summary.
set -euo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --- Provisioning -------------------------------------------------------------------------------------------
# Model files are read in place from the shared models folder beside the repository; fail early and clearly.
if [ ! -f ../shared/models/stories260K.gguf ]; then
  echo "error: ../shared/models/stories260K.gguf is missing (the tests read the shared TinyStories checkpoint)." >&2
  exit 2
fi

# Node packages the tests drive (manifest validators, OpenAI npm clients): `npm ci` runs only when a folder's
# node_modules is missing or was installed from another package-lock.json (a stamp file records the lock's hash).
npm_ci_if_changed() {
  local dir=$1 stamp="$1/node_modules/.llmserve-lock.sha256" hash
  hash=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
    echo "provisioning: npm ci --prefix $dir"
    npm ci --prefix "$dir" --ignore-scripts --no-audit --no-fund --loglevel=error
    echo "$hash" > "$stamp"
  fi
}
if command -v npm >/dev/null 2>&1; then
  npm_ci_if_changed tests/LlmServe.AppHost.Tests/validation
  for lock in tests/LlmServe.Worker.Tests/Compatibility/node/*/package-lock.json; do
    npm_ci_if_changed "$(dirname "$lock")"
  done
else
  # Not fatal here so that every other test still runs; the tests that need node fail and say why.
  echo "warning: npm is not installed; the manifest validation and npm openai tests will fail." >&2
fi

# kubectl renders the kustomize overlays (`kubectl kustomize`, offline); install it when absent.
if ! command -v kubectl >/dev/null 2>&1; then
  if ! { apt-get install -y kubectl || sudo apt-get install -y kubectl; }; then
    echo "error: kubectl is missing and could not be installed with apt-get (the package needs the Kubernetes apt repository)." >&2
    exit 2
  fi
fi

# PostgreSQL + pgvector for the Rag store tests (built once, then reused; LLMSERVE_PGVECTOR overrides the server).
if [ -z "${LLMSERVE_PGVECTOR:-}" ]; then
  LLMSERVE_PGVECTOR=$(scripts/pgvector.sh) || { echo "error: could not start PostgreSQL with pgvector (scripts/pgvector.sh)." >&2; exit 2; }
  export LLMSERVE_PGVECTOR
fi

# --- Tests --------------------------------------------------------------------------------------------------
log=$(mktemp)
status=0
dotnet test LlmServe.sln "$@" 2>&1 | tee "$log" || status=$?

# dotnet test prints one result line per test project; add them up into one closing line.
awk '/(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
