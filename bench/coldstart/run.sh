#!/usr/bin/env bash
# Cold start of `SparkContext('local[2]') ... parallelize(range(1000)).count()` as a whole process,
# by phase (bench/coldstart/phases.py), without and with an AppCDS archive of the gateway's classes
# (a dynamic archive of what a first run loaded, dumped with jcmd VM.cds dynamic_dump), RUNS times each,
# interleaved, with the load average. Prints figures; asserts nothing.
#   bench/coldstart/run.sh [RUNS=5]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-5}"
py="$root/.venv/bin/python"
work="${KINDLING_BENCH_DIR:-/tmp/kindling-bench-coldstart}"
mkdir -p "$work"
jsa="$work/kindling-gateway.jsa"
rm -f "$jsa"
"$py" "$root/bench/coldstart/phases.py" "-XX:+RecordDynamicDumpInfo" "$jsa" >/dev/null
ls -l "$jsa" >&2
one() {  # label java-options
  local l
  l=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -o "$work/time.txt" -f "%e %U %S" "$py" "$root/bench/coldstart/phases.py" "$2" > "$work/phases.json" 2>/dev/null
  read -r wall user sys < "$work/time.txt"
  printf '%-8s load %5s  process %5.0f ms (cpu %5.0f ms)  %s\n' "$1" "$l" "$(echo "$wall*1000" | bc)" \
    "$(echo "($user+$sys)*1000" | bc)" "$(cat "$work/phases.json")"
}
echo "machine: $(nproc) cores; java $(java -version 2>&1 | head -1)"
for _ in $(seq 1 "$runs"); do
  one plain ""
  one appcds "-XX:SharedArchiveFile=$jsa"
done
