#!/usr/bin/env bash
# Cross-runs of Kindling with real pip PySpark (issue #8); regenerates docs/compatibility.md.
#   fidelity/run.sh [versions...]            default: 4.2.1 4.1.1 4.0.1 3.5.8 4.3.0
#   fidelity/run.sh --only tck,spark 4.2.1   items: tck, spark, cluster, gateway, examples
#   fidelity/run.sh --report-only 4.2.1 ...  matrix from fidelity/work/results/*.json only
# Builds the TCK jar and the gateway (target dir target-fidelity, so colleagues' builds are not
# touched; FIDELITY_NO_BUILD=1 reuses what is there), creates fidelity/.venv-<v> with
# fidelity/setup-venv.sh, then runs fidelity/fidelity.py. Exit 1 when a cell is red.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mkdir -p fidelity/work
report_only=0
for a in "$@"; do [ "$a" = "--report-only" ] && report_only=1; done
if [ "$report_only" = 0 ]; then
  tck_jar="tck/target-fidelity/kindling-tck.jar"
  gw_dir="gateway/target-fidelity"
  if [ "${FIDELITY_NO_BUILD:-0}" != 1 ] || [ ! -f "$tck_jar" ] || ! ls "$gw_dir"/kindling-gateway-*.jar >/dev/null 2>&1; then
    echo "[fidelity] mvn package (gateway, tck) into target-fidelity" >&2
    # -o first (fast, no network); fall back to an online build when the local repository misses something.
    timeout 1800 mvn -B -q -o -pl gateway,tck -am package -DskipTests -Dkindling.target=target-fidelity >fidelity/work/mvn.log 2>&1 \
      || timeout 1800 mvn -B -q -pl gateway,tck -am package -DskipTests -Dkindling.target=target-fidelity >fidelity/work/mvn.log 2>&1 \
      || { echo "[fidelity] build failed, see fidelity/work/mvn.log" >&2; tail -30 fidelity/work/mvn.log >&2; exit 2; }
  fi
  jar="$(ls "$gw_dir"/kindling-gateway-*.jar | grep -v -- '-sources\|-tests' | head -1)"
  cp="$root/$jar"
  for l in "$gw_dir"/lib/*.jar; do cp="$cp:$root/$l"; done
  export FIDELITY_TCK_JAR="$root/$tck_jar" FIDELITY_GATEWAY_CP="$cp"
fi
exec python3 fidelity/fidelity.py "$@"
