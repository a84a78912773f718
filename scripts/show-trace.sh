#!/usr/bin/env bash
# Sends one chat request through the gateway of a running `dotnet run --project LlmServe.AppHost` under a
# known trace id, then reads that trace back from the Aspire dashboard's telemetry API and lists its spans
# (service, span name), showing the request crossing gateway -> worker.
set -euo pipefail
gateway=${GATEWAY:-http://localhost:8000}
dashboard=${DASHBOARD:-http://localhost:15888}
trace=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
curl -sf "$gateway/v1/chat/completions" -H "traceparent: 00-$trace-0000000000000001-01" \
  -d '{"model":"default","messages":[{"role":"user","content":"Once upon a time"}],"max_tokens":16}' >/dev/null
for _ in $(seq 1 20); do
  body=$(curl -sf "$dashboard/api/telemetry/traces/$trace" || true)
  if [ -n "$body" ] && echo "$body" | grep -q '"LlmServe.Worker\|worker-'; then break; fi
  sleep 0.5
done
echo "trace $trace ($dashboard/traces/detail/$trace):"
echo "$body" | python3 -c '
import json, sys
doc = json.load(sys.stdin)["data"]
for rs in doc["resourceSpans"]:
    attrs = {a["key"]: a["value"].get("stringValue") for a in rs.get("resource", {}).get("attributes", [])}
    for ss in rs["scopeSpans"]:
        for s in ss["spans"]:
            print("  %-22s %s" % (attrs.get("service.name", "?"), s["name"]))
'
