#!/usr/bin/env bash
# Sidecar memory: RSS and live heap of a sidecar (`./tcs run sidecar`, its own JVM) holding 100k
# cached 600-byte views, against the same sidecar empty, in the same run
# (dev.tcs.bench.reads.SidecarMemoryBench; --help lists options).
#   modules/bench/scripts/memory.sh                                   # from the repository root
#   modules/bench/scripts/memory.sh --variant tcs= --variant 'before=-Xms256m -Xmx2g -XX:+UseParallelGC'
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
cd "$root"
if [ "${MEMORY_BENCH_SKIP_BUILD:-}" != "1" ]; then
  ./mvnw -q -B -ntp package -Dmaven.test.skip=true -pl modules/bench -am >&2
fi
exec java -Xmx512m -cp "modules/bench/target/tcs-bench-0.1.0-SNAPSHOT.jar:modules/bench/target/lib/*" \
  dev.tcs.bench.reads.SidecarMemoryBench --config-dir "$root/config" --tcs "$root/tcs" "$@"
