#!/usr/bin/env bash
# Load run: one fhir-examples scenario with its prefetch removed, the data served by WireMock (EhrLoad), against a
# locally started CDS service (Release, Development profile). Sends N sequential requests with `hey` (apt install hey)
# and prints its latency distribution. Everything binds 127.0.0.1 and is stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
scenario=${1:-fhir-examples/scenarios/05-ph-negative-adult-all-met}
requests=${2:-200}
ehr_port=5826 service_port=5080

dotnet build -c Release tools/ehr-load/EhrLoad.csproj -v q -nologo >/dev/null
dotnet build -c Release src/CdsService/CdsService.csproj -v q -nologo >/dev/null

dotnet tools/ehr-load/bin/Release/net10.0/EhrLoad.dll "$scenario" "$ehr_port" >/tmp/ehr-load-wiremock.log 2>&1 &
ehr_pid=$!
(cd src/CdsService/bin/Release/net10.0 && ASPNETCORE_ENVIRONMENT=Development Serilog__MinimumLevel__Default=Warning \
  exec env "Serilog__MinimumLevel__Override__CdsService.Ehr=Information" dotnet CdsService.dll --urls "http://127.0.0.1:$service_port") >/tmp/ehr-load-service.log 2>&1 &
service_pid=$!
trap 'kill "$ehr_pid" "$service_pid" 2>/dev/null || true' EXIT

body=$(mktemp)
jq --arg server "http://127.0.0.1:$ehr_port/fhir/r4" 'del(.prefetch) | .fhirServer = $server' "$scenario/request.json" >"$body"
for _ in $(seq 1 50); do
  curl -sf -o /dev/null "http://127.0.0.1:$service_port/cds-services" && curl -sf -o /dev/null "http://127.0.0.1:$ehr_port/__admin/health" 2>/dev/null && break
  sleep 0.2
done

# One request shown in full, so the run is known to evaluate (not, say, answer 412 fast).
curl -s -X POST -H 'Content-Type: application/json' --data @"$body" "http://127.0.0.1:$service_port/cds-services/besponsa-prior-auth" \
  | jq -r '.cards[] | .indicator + " | " + .summary'

# Warm-up (JIT, connection pool, resilience pipeline), then the measured run: one request at a time.
hey -n 20 -c 1 -m POST -T application/json -D "$body" "http://127.0.0.1:$service_port/cds-services/besponsa-prior-auth" >/dev/null
hey -n "$requests" -c 1 -m POST -T application/json -D "$body" "http://127.0.0.1:$service_port/cds-services/besponsa-prior-auth"
echo "FHIR reads logged by the service: $(grep -c 'record sections from the FHIR server' /tmp/ehr-load-service.log)"
