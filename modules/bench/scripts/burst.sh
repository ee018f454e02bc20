#!/usr/bin/env bash
# Burst: 150 sequential PUTs to one new tenant against a running `./tcs demo`, then the time from
# the last acknowledgement until every region and the sidecar serve that version (polled every
# 20 ms with curl, so figures are +-20 ms plus curl start-up). Reads the demo's addresses from its
# state file; READERS=N starts N background loops reading the tenant meanwhile.
#   ./tcs demo &    # then
#   modules/bench/scripts/burst.sh [PUTS]      # needs curl and jq
set -euo pipefail
state="${TCS_STATE_DIR:-$HOME/.tcs}/demo.json"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
puts="${1:-150}"
catalogue=$(jq -r '.components.catalogue' "$state")
mapfile -t readers < <(jq -r '.components | to_entries[] | select(.key | startswith("region.") or . == "sidecar") | .value' "$state")
writer=$("$root/tcs" token --writer)
jira=$("$root/tcs" token --consumer jira)
tenant="burst-$RANDOM$RANDOM"
pids=()
for ((r = 0; r < ${READERS:-0}; r++)); do
  ( while true; do for url in "${readers[@]}"; do curl -s -o /dev/null -H "Authorization: Bearer $jira" "$url/v1/tenants/$tenant/context"; done; done ) &
  pids+=($!)
done
trap '[ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null' EXIT
started=$(date +%s%N)
last=0
for ((i = 1; i <= puts; i++)); do
  last=$(curl -s -D - -o /dev/null -X PUT "$catalogue/v1/tenants/$tenant" -H "Authorization: Bearer $writer" \
    -H 'Content-Type: application/json' -d "{\"products\":[\"jira\"],\"jira\":{\"n\":$i}}" | grep -i '^etag' | tr -dc '0-9')
done
acked=$(date +%s%N)
echo "$puts PUTs acked in $(( (acked - started) / 1000000 )) ms, last version $last, readers ${READERS:-0}, load $(cut -d' ' -f1 /proc/loadavg)"
for url in "${readers[@]}"; do
  until [ "$(curl -s -D - -o /dev/null -H "Authorization: Bearer $jira" "$url/v1/tenants/$tenant/context" | grep -i '^tcs-version' | tr -dc '0-9')" = "$last" ]; do
    sleep 0.02
  done
  echo "RESULT $url version $last visible $(( ($(date +%s%N) - acked) / 1000000 )) ms after the last ack"
done
