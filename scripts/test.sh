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

# npm `openai` clients for the compatibility tests, one folder per major version. `npm ci` runs only when a folder's
# node_modules is missing or was installed from another package-lock.json (a stamp file records the lock's hash).
compat_node=tests/LlmServe.Worker.Tests/Compatibility/node
if command -v npm >/dev/null 2>&1; then
  for lock in "$compat_node"/*/package-lock.json; do
    dir=$(dirname "$lock")
    stamp="$dir/node_modules/.llmserve-lock.sha256"
    hash=$(sha256sum "$lock" | cut -d' ' -f1)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$hash" ]; then
      echo "provisioning: npm ci --prefix $dir"
      npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
      echo "$hash" > "$stamp"
    fi
  done
else
  # Not fatal here so that every other test still runs; the npm compatibility tests fail and say why.
  echo "warning: npm is not installed; the npm openai compatibility tests will fail." >&2
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
