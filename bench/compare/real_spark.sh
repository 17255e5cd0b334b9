#!/usr/bin/env bash
# kindling.worker (with kindling.daemon) inside real Apache Spark (pip pyspark, local[2]) against
# PySpark's own pyspark.worker/pyspark.daemon, on the job table of jobs.py, interleaved round by
# round; wall and CPU seconds with the load average, and the ratios kindling.worker/pyspark.worker.
#   bench/compare/real_spark.sh [SIZE_MB=64] [ROUNDS=3] [TASKS=500] [SCALE=0.5] [PYSPARK_VERSION=4.2.1]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
size_mb="${1:-64}"; rounds="${2:-3}"; tasks="${3:-500}"; scale="${4:-0.5}"; version="${5:-4.2.1}"
work="${KINDLING_BENCH_DIR:-/tmp/kindling-bench-wordcount}"
mkdir -p "$work"
venv="${PYSPARK_VENV:-$("$root/fidelity/setup-venv.sh" "$version")}"
ppy="$venv/bin/python"
text="$work/words-${size_mb}mb.txt"
[ -s "$text" ] || "$ppy" "$root/bench/compare/make_text.py" "$root/examples/data/corpus" "$text" "$size_mb"
results="$work/real-spark-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
echo "machine: $(nproc) cores; input ${size_mb} MB; rounds $rounds; tasks $tasks; scale $scale; pyspark $version; results $results"
for r in $(seq 1 "$rounds"); do
  echo "round $r: load $(cut -d' ' -f1 /proc/loadavg)" >&2
  PYTHONPATH="$root/python${PYTHONPATH:+:$PYTHONPATH}" "$ppy" "$root/bench/compare/jobs.py" pyspark "$text" \
    --scale "$scale" --tasks "$tasks" --label kindling.worker \
    --conf spark.python.worker.module=kindling.worker --conf spark.python.daemon.module=kindling.daemon \
    >> "$results" 2>"$work/real-spark-kindling.err"
  "$ppy" "$root/bench/compare/jobs.py" pyspark "$text" --scale "$scale" --tasks "$tasks" --label pyspark.worker \
    >> "$results" 2>"$work/real-spark-pyspark.err"
done
"$ppy" "$root/bench/compare/summarize.py" "$results" kindling.worker pyspark.worker
