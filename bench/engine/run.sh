#!/usr/bin/env bash
# Prints shuffle throughput (records/s, MB/s) for 100 B and 10 KiB records, in memory and spilling.
# Usage: bench/engine/run.sh [payload bytes per run, default 268435456]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mvn -B -q -Dstyle.color=never -pl engine -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
cp="engine/target/test-classes:engine/target/classes:$(cat engine/target/bench-classpath.txt)"
exec java -Xmx2g -cp "$cp" dev.kindling.engine.bench.ShuffleBench "$@"
