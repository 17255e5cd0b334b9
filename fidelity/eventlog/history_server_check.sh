#!/usr/bin/env bash
# CI step: Apache Spark's own History Server (pip pyspark 4.2.1) reads Kindling's event logs and
# reports the jobs, stages, task counts and task metrics Kindling recorded. See
# history_server_check.py for what is compared. Uses $FIDELITY_VENV if set, else creates
# fidelity/.venv-4.2.1 (network on first use),
# builds the gateway jar if it is missing, runs Kindling from .venv (bin/setup-venv). Bounded by
# timeouts; exits non-zero on any failure; work files in fidelity/work/history-server.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
version="${FIDELITY_HS_VERSION:-4.2.1}"
if [ -n "${FIDELITY_VENV:-}" ] && [ -x "$FIDELITY_VENV/bin/python" ]; then
  venv="$FIDELITY_VENV"   # an existing pip pyspark venv (e.g. another checkout's)
else
  venv="$(timeout -k 10 600 fidelity/setup-venv.sh "$version" | tail -1)"
fi
[ -x .venv/bin/python ] || timeout -k 10 900 bin/setup-venv >&2
if ! ls gateway/target/kindling-gateway-*.jar >/dev/null 2>&1; then
  timeout -k 10 1200 mvn -B -q -pl gateway -am package -DskipTests >&2
fi
work="$root/fidelity/work/history-server"
rm -rf "$work"
export SPARK_LOCAL_IP=127.0.0.1
unset PYSPARK_GATEWAY_PORT PYSPARK_GATEWAY_SECRET SPARK_HOME PYSPARK_PYTHON PYSPARK_DRIVER_PYTHON || true
exec timeout -k 10 1200 .venv/bin/python fidelity/eventlog/history_server_check.py \
  --spark-venv "$venv" --kindling-python "$root/.venv/bin/python" --work "$work"
