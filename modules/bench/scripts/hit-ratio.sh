#!/usr/bin/env bash
# Sidecar hit ratio under a Zipf (s=1) read mix with catalogue writes at 1 % of reads, from the
# sidecar's own tcs_sidecar_reads_total (dev.tcs.bench.reads.HitRatioBench): seeds --tenants
# tenants through the catalogue, starts the sidecar alone with all of them in sidecar.prefetch,
# warms, measures. --help lists the options.
#   modules/bench/scripts/hit-ratio.sh                      # 100,000 tenants, 120 s measured
#   modules/bench/scripts/hit-ratio.sh --tenants 20000 --duration 60
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
if [ "${HIT_RATIO_SKIP_BUILD:-}" != "1" ]; then
  ./mvnw -q -B -ntp package -Dmaven.test.skip=true -pl modules/bench -am >&2
fi
exec java -Xmx1g -cp "modules/bench/target/tcs-bench-0.1.0-SNAPSHOT.jar:modules/bench/target/lib/*" \
  dev.tcs.bench.reads.HitRatioBench --config-dir "$root/config" "$@"
