#!/usr/bin/env bash
# Bridge benchmarks: echo throughput per frame size, fork and task latency.
# Prints figures; asserts nothing.
# Usage: bench/bridge/run.sh [quick] [no-throughput] [no-latency] [pyspark-lib=SPARK/python/lib]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out="$root/bench/bridge/target"
mkdir -p "$out/classes"
# A private build directory, so a concurrent build of the same tree is not disturbed.
mvn -B -q -pl python-worker-bridge -am -Dkindling.target=target-bridge-bench -DskipTests \
  compile dependency:build-classpath -Dmdep.outputFile="$out/cp.txt"
cp="$root/python-worker-bridge/target-bridge-bench/classes:$(cat "$out/cp.txt")"
javac -nowarn -d "$out/classes" -cp "$cp" $(find "$root"/bench/bridge/src -name "*.java")
python="${KINDLING_PYTHON:-$root/.venv/bin/python}"
exec java -Xmx512m -cp "$out/classes:$cp" dev.kindling.bridge.BridgeBench "$python" "$root" "$@"
