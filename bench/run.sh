#!/usr/bin/env bash
# Builds the Worker and the benchmark in Release, then runs the full benchmark set on a quiet machine.
# Results: bench/results/{worker,load-time,gateway,overload}.{md,json} and the combined table bench/results.md.
# Extra arguments go to the worker and load-time commands (e.g. --quick for a smoke run, --work-dir DIR for the checkpoint cache).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

dotnet build "$repo/LlmServe.Worker/LlmServe.Worker.csproj" -c Release -nologo -v q
dotnet build "$repo/LlmServe.Gateway/LlmServe.Gateway.csproj" -c Release -nologo -v q
dotnet build "$here/LlmServe.Bench/LlmServe.Bench.csproj" -c Release -nologo -v q

# The gateway benchmark compares against nginx and measures peak throughput with wrk (Debian packages);
# install them only when missing, so a second run installs nothing.
need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${need[@]}" \
    || { "${sudo_cmd[@]}" apt-get update && "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${need[@]}"; }
fi

bench="$here/LlmServe.Bench/bin/Release/net10.0/linux-x64/LlmServe.Bench.dll"
out="$here/results"
summary="$here/results.md"
for arg in "$@"; do
  # A smoke run must not overwrite the committed results table.
  if [[ "$arg" == "--quick" ]]; then out="$here/results-quick"; summary="$out/results.md"; fi
done

dotnet "$bench" worker --out "$out" --summary "$summary" "$@"
dotnet "$bench" load-time --out "$out" --summary "$summary" "$@"
dotnet "$bench" constrained --out "$out" --summary "$summary" "$@"
# The proxy benchmarks take no checkpoint options; of the extra arguments only --quick applies to them.
proxy_args=()
for arg in "$@"; do [[ "$arg" == "--quick" ]] && proxy_args+=(--quick); done
dotnet "$bench" gateway --out "$out" --summary "$summary" "${proxy_args[@]}"
dotnet "$bench" overload --out "$out" --summary "$summary" "${proxy_args[@]}"
echo "Results: $summary"
