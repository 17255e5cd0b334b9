#!/usr/bin/env bash
# Differential tests of Kindling's Python driver against real pip pyspark (issue 12): random RDD
# pipelines (python/tests/driver/differential_pipelines.py) run on Kindling (fake and real JVM
# backends) and on pyspark in a subprocess of its own venv; partition layouts are compared
# exactly where Spark defines them, sorted where it does not. Meant as a CI step of its own.
#   fidelity/differential.sh [pytest args...]
# Env: DIFFERENTIAL_PYSPARK_VERSION (default 4.2.1), KINDLING_DIFFERENTIAL_EXAMPLES (default 60),
# KINDLING_DIFFERENTIAL_SEED (default 20261206), KINDLING_DIFFERENTIAL_JVM_LAYOUT=1 (also compare
# repartition/coalesce layouts exactly: the JVM side's part of issue 12).
# Creates fidelity/.venv-<version> (fidelity/setup-venv.sh) and .venv (bin/setup-venv) when
# missing, and builds the gateway with `mvn package` (never install) when its jar is missing.
# Every step has a timeout; prints the counts and the seed; exits non-zero on any difference.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
version="${DIFFERENTIAL_PYSPARK_VERSION:-4.2.1}"
mkdir -p fidelity/work
report="$root/fidelity/work/differential-$version.json"
rm -f "$report"
unset PYSPARK_GATEWAY_PORT PYSPARK_GATEWAY_SECRET SPARK_HOME PYSPARK_SUBMIT_ARGS PYSPARK_DRIVER_PYTHON KINDLING_CONF || true
export SPARK_LOCAL_IP=127.0.0.1 PYTHONHASHSEED=0

venv="$(timeout -k 10 900 fidelity/setup-venv.sh "$version" | tail -1)"
timeout -k 10 900 bin/setup-venv
if ! .venv/bin/python -m kindling.java_gateway --classpath >/dev/null 2>&1; then
  echo "[differential] building the gateway (mvn package)" >&2
  timeout -k 10 1800 mvn -B -q -o -pl gateway -am package -DskipTests >fidelity/work/differential-mvn.log 2>&1 \
    || timeout -k 10 1800 mvn -B -q -pl gateway -am package -DskipTests >fidelity/work/differential-mvn.log 2>&1 \
    || { tail -30 fidelity/work/differential-mvn.log >&2; echo "[differential] build failed" >&2; exit 2; }
fi

export KINDLING_PYSPARK_PYTHON="$venv/bin/python" KINDLING_DIFFERENTIAL_REPORT="$report"
export PYSPARK_PYTHON="$root/.venv/bin/python"   # Kindling's workers
status=0
timeout -k 10 5400 .venv/bin/python -m pytest -q -p no:cacheprovider \
  python/tests/driver/test_differential_pyspark.py "$@" || status=$?
echo "[differential] pyspark $version, seed ${KINDLING_DIFFERENTIAL_SEED:-20261206}, counts per test module run:"
cat "$report" 2>/dev/null || echo "(no report: the tests did not run)"
exit "$status"
