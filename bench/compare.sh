#!/usr/bin/env bash
# The whole issue-16 table in one go, side by side: Kindling, pip pyspark and the pure-Python floor
# on the same machine, interleaved round by round, medians over the rounds, the load average next
# to every figure, and the ratios. Prints figures; asserts only that both engines agree.
#   bench/compare.sh [SIZE_MB=256] [ROUNDS=3] [TASKS=2000] [SCALE=1] [PYSPARK_VERSION=4.2.1]
# Env: KINDLING_BENCH_DIR (default /tmp/kindling-bench-wordcount), PYSPARK_VENV (default: the
# fidelity venv of PYSPARK_VERSION, created by fidelity/setup-venv.sh when missing).
# Rows: wordcount (with the floor), map, shuffle, groupByKey, collect, manytasks (jobs only,
# context started before), coldstart (a whole `python -c` process to the first count()) and, for
# Kindling, coldstart-nocds (the same with KINDLING_CDS=0: without the package-time AppCDS archive).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mb="${1:-256}"; rounds="${2:-3}"; tasks="${3:-2000}"; scale="${4:-1}"; version="${5:-4.2.1}"
work="${KINDLING_BENCH_DIR:-/tmp/kindling-bench-wordcount}"
mkdir -p "$work"
"$root/bin/setup-venv" >&2
kpy="$root/.venv/bin/python"
if ! "$kpy" -m kindling.java_gateway --classpath >/dev/null 2>&1; then
  (cd "$root" && mvn -B -q -pl gateway -am package -DskipTests) >&2
fi
venv="${PYSPARK_VENV:-$("$root/fidelity/setup-venv.sh" "$version")}"
ppy="$venv/bin/python"
text="$work/words-${size_mb}mb.txt"
[ -s "$text" ] || "$kpy" "$root/bench/compare/make_text.py" "$root/examples/data/corpus" "$text" "$size_mb"
results="$work/compare-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
loadavg() { cut -d' ' -f1 /proc/loadavg; }
cold() {  # engine python module [job [VAR=value...]]: a whole process, wall and CPU (with its reaped children)
  local l out job="${4:-coldstart}"
  l=$(loadavg)
  env "${@:5}" /usr/bin/time -o "$work/coldstart.time" -f "%e %U %S" "$2" -c "from $3 import SparkContext; sc = SparkContext('local[2]', 'coldstart'); sc.setLogLevel('ERROR'); sc.parallelize(range(1000)).count(); sc.stop()" >/dev/null 2>&1
  out=$(tail -1 "$work/coldstart.time")
  echo "$out" | awk -v e="$1" -v j="$job" -v l="$l" '{ printf "{\"engine\": \"%s\", \"job\": \"%s\", \"seconds\": %s, \"cpu\": %.2f, \"load\": %s}\n", e, j, $1, $2 + $3, l }'
}
echo "machine: $(nproc) cores; input ${size_mb} MB; rounds $rounds; tasks $tasks; scale $scale; pyspark $version; results $results"
for r in $(seq 1 "$rounds"); do
  echo "round $r: load $(loadavg)" >&2
  "$kpy" "$root/bench/compare/jobs.py" kindling "$text" --scale "$scale" --tasks "$tasks" >> "$results" 2>"$work/compare-kindling.err"
  JAVA_TOOL_OPTIONS= "$ppy" "$root/bench/compare/jobs.py" pyspark "$text" --scale "$scale" --tasks "$tasks" >> "$results" 2>"$work/compare-pyspark.err"
  l=$(loadavg)
  "$kpy" "$root/bench/compare/floor.py" "$text" 2>&1 >/dev/null \
    | sed -n "s/^floor_seconds=\([0-9.]*\) floor_cpu=\([0-9.]*\)/{\"engine\": \"floor\", \"job\": \"wordcount\", \"seconds\": \1, \"cpu\": \2, \"load\": $l}/p" >> "$results"
  cold kindling "$kpy" kindling >> "$results"
  # the same without the package-time AppCDS archive (issue 16: what it saves)
  cold kindling "$kpy" kindling coldstart-nocds KINDLING_CDS=0 >> "$results"
  cold pyspark "$ppy" pyspark >> "$results"
done
"$kpy" "$root/bench/compare/summarize.py" "$results"
