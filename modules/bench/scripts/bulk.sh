#!/usr/bin/env bash
# Bulk provisioning: N new tenants through `tcs import` against a running `./tcs demo` (found
# through its state file), then the time from the end of the import until a sample of them (the
# last 200 lines of the file, the last to be written, plus 50 spread over the file) is readable at
# every region and the sidecar, polled at the same time. A sample, not every tenant: curl cannot
# read N x 4 answers fast enough to time this. Needs curl and jq.
#   modules/bench/scripts/bulk.sh [N] [CONCURRENCY]
set -euo pipefail
state="${TCS_STATE_DIR:-$HOME/.tcs}/demo.json"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
n="${1:-10000}"
concurrency="${2:-32}"
catalogue=$(jq -r '.components.catalogue' "$state")
mapfile -t readers < <(jq -r '.components | to_entries[] | select(.key | startswith("region.") or . == "sidecar") | .value' "$state")
writer=$("$root/tcs" token --writer)
jira=$("$root/tcs" token --consumer jira)
run="bulk$RANDOM"
file=$(mktemp /tmp/tcs-bulk-XXXXXX.jsonl)
trap 'rm -f "$file"' EXIT
for ((i = 0; i < n; i++)); do
  printf '{"tenantId":"%s-%06d","hosts":["%s-%06d.example.net"],"products":["jira"],"jira":{"db-user":"u%d","db-password":"p%d"},"network-ingress":{"/":"http://jira.internal"}}\n' \
    "$run" "$i" "$run" "$i" "$i" "$i" >> "$file"
done
started=$(date +%s%N)
"$root/tcs" import "$file" --catalogue "$catalogue" --token "$writer" --concurrency "$concurrency" > /dev/null 2>&1
ended=$(date +%s%N)
took=$(( (ended - started) / 1000000 ))
echo "imported $n tenants in $took ms ($(( n * 1000 / (took > 0 ? took : 1) )) tenants/s), concurrency $concurrency, load $(cut -d' ' -f1 /proc/loadavg)"
# How far ingest was behind when the import ended (the demo serves one registry on every port).
curl -s "$catalogue/metrics" | awk '
  /^tcs_projector_views_published_total/ { published += $NF }
  /^tcs_region_ingest_views_total\{outcome="applied"/ { match($0, /region="[^"]*"/); applied[substr($0, RSTART + 8, RLENGTH - 9)] += $NF }
  END { printf "at the import end: views published %d, applied:", published; for (r in applied) printf " %s %d", r, applied[r]; print "" }'
mapfile -t sample < <( (tail -n 200 "$file"; awk -v step=$(( n / 50 > 0 ? n / 50 : 1 )) 'NR % step == 0' "$file") | jq -r .tenantId | sort -u)
# Every endpoint is polled at the same time (one loop each), so none is charged the time spent
# polling the others.
poll() {
  local url=$1 tenant after
  for tenant in "${sample[@]}"; do
    until [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $jira" "$url/v1/tenants/$tenant/context")" = 200 ]; do
      sleep 0.05
    done
  done
  after=$(( ($(date +%s%N) - ended) / 1000000 ))
  echo "RESULT $url ${#sample[@]} sampled tenants readable $after ms after the import ended ($(( after * 100 / took ))% of its duration)"
}
for url in "${readers[@]}"; do
  poll "$url" &
done
wait
echo "load after polling $(cut -d' ' -f1-3 /proc/loadavg)"
