#!/usr/bin/env bash
# Sidecar and region cache-hit reads vs nginx and bare Vert.x (dev.tcs.bench.reads.ReadBench).
# Needs h2load (apt-get install -y nghttp2-client); nginx-light for the nginx baseline and ratios.
#   modules/bench/read-bench.sh --repeats 3          # from the repository root; --help lists options
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ "${READ_BENCH_SKIP_BUILD:-}" != "1" ]; then
  ./mvnw -q -B -ntp package -Dmaven.test.skip=true -pl modules/bench -am >&2
fi
exec java -Xmx512m -cp "modules/bench/target/tcs-bench-0.1.0-SNAPSHOT.jar:modules/bench/target/lib/*" \
  dev.tcs.bench.reads.ReadBench --config-dir "$root/config" "$@"
