#!/usr/bin/env bash
# Builds the Worker and the benchmark in Release, then runs the full benchmark set on a quiet machine.
# Results: bench/results/{worker,load-time}.{md,json} and the combined table bench/results.md.
# Extra arguments go to both commands (e.g. --quick for a smoke run, --work-dir DIR for the checkpoint cache).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"

dotnet build "$repo/LlmServe.Worker/LlmServe.Worker.csproj" -c Release -nologo -v q
dotnet build "$here/LlmServe.Bench/LlmServe.Bench.csproj" -c Release -nologo -v q

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
echo "Results: $summary"
