#!/usr/bin/env bash
# Runs examples/session_wordcount.py (the article's SparkSession word count) on Kindling and, with
# only its import changed to pyspark.sql, on pip pyspark 4.2.1, and fails when the outputs differ.
#   fidelity/session_example.sh [input path]
# Needs .venv (bin/setup-venv) and the gateway jars (built here if missing, like bin/wordcount);
# creates fidelity/.venv-4.2.1 with fidelity/setup-venv.sh when missing (network on first use).
# Every run has a timeout; stdout of each run is kept in fidelity/work/session-example/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
version="${FIDELITY_SESSION_VERSION:-4.2.1}"
work="$root/fidelity/work/session-example"
rm -rf "$work"; mkdir -p "$work"
export SPARK_LOCAL_IP=127.0.0.1 PYTHONHASHSEED=0
unset PYSPARK_GATEWAY_PORT PYSPARK_GATEWAY_SECRET SPARK_HOME PYSPARK_PYTHON PYSPARK_DRIVER_PYTHON PYSPARK_SUBMIT_ARGS || true

bin/setup-venv >&2
kpy="${KINDLING_VENV:-$root/.venv}/bin/python"
if ! "$kpy" -m kindling.java_gateway --classpath >/dev/null 2>&1; then
  echo "[session-example] building the gateway jars (mvn -B -q -pl gateway -am package -DskipTests)" >&2
  timeout 1800 mvn -B -q -pl gateway -am package -DskipTests >&2
fi
venv="$(timeout -k 10 900 fidelity/setup-venv.sh "$version" | tail -1)"
ppy="$venv/bin/python"

# The program for pyspark: the same file, the import changed and nothing else.
sed 's/^from kindling\.sql import /from pyspark.sql import /' examples/session_wordcount.py >"$work/session_wordcount_pyspark.py"
if [ "$(diff examples/session_wordcount.py "$work/session_wordcount_pyspark.py" | grep -c '^[<>]')" != 2 ]; then
  echo "[session-example] expected exactly one changed line (the import)" >&2; exit 2
fi

echo "[session-example] Kindling" >&2
t0=$(date +%s.%N)
timeout -k 10 600 "$kpy" examples/session_wordcount.py "$@" >"$work/kindling.out" 2>"$work/kindling.err" \
  || { echo "[session-example] Kindling run failed:" >&2; tail -30 "$work/kindling.err" >&2; exit 1; }
t1=$(date +%s.%N)
echo "[session-example] pyspark $version" >&2
# The pyspark copy lives in work/, so it gets the corpus path explicitly when none is given.
args=("$@"); [ ${#args[@]} -eq 0 ] && args=("$root/examples/data/corpus/kiln.txt")
timeout -k 10 900 "$ppy" "$work/session_wordcount_pyspark.py" "${args[@]}" >"$work/pyspark.out" 2>"$work/pyspark.err" \
  || { echo "[session-example] pyspark run failed:" >&2; tail -30 "$work/pyspark.err" >&2; exit 1; }
t2=$(date +%s.%N)

lines=$(wc -l <"$work/kindling.out")
if [ "$lines" -lt 10 ]; then
  echo "[session-example] Kindling printed only $lines lines" >&2; exit 1
fi
if ! diff -u "$work/pyspark.out" "$work/kindling.out" >"$work/diff.txt"; then
  echo "[session-example] outputs differ (pyspark $version vs Kindling):" >&2
  head -40 "$work/diff.txt" >&2
  exit 1
fi
echo "[session-example] identical output ($lines lines) on Kindling and pyspark $version;" \
  "wall seconds: Kindling $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}"), pyspark $(awk "BEGIN{printf \"%.2f\", $t2 - $t1}")" \
  "(nproc $(nproc), load $(cut -d' ' -f1 /proc/loadavg))"
