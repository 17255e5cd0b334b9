#!/usr/bin/env bash
# Cold start of `SparkContext('local[2]') ... parallelize(range(1000)).count()` as a whole process,
# by phase (bench/coldstart/phases.py), variants interleaved run by run, RUNS runs each, the load
# average next to every run; then the medians per variant (bench/coldstart/summarize.py).
# Prints figures; asserts nothing.
#   bench/coldstart/run.sh [RUNS=9] [VARIANTS="nocds cds"]
# Variants:
#   nocds    KINDLING_CDS=0: no AppCDS archive
#   cds      the archive `mvn package` built (gateway/target/kindling-gateway-*.jsa), if it matches
#   dumped   an archive dumped with `jcmd VM.cds dynamic_dump` from one real cold start (made once
#            here): the reference for what the package-time training covers
#   base     another build: KINDLING_BENCH_BASE_CLASSPATH (its jars) and, if set,
#            KINDLING_BENCH_BASE_PYTHONPATH (its python/), e.g. main's, for before/after
#   noprestart  KINDLING_PRESTART_DAEMON=0 (the default: same as cds)
#   prestart the archive and the Python daemon started with the context (KINDLING_PRESTART_DAEMON=1,
#            off by default)
#   lazyui   neither the archive nor the pre-started daemon: against base, what the lazy UI server
#            and the databind-free task header (and the rest of this build) change
#   c1, serialgc  the archive plus -XX:TieredStopAtLevel=1 (C1 only) or -XX:+UseSerialGC: what the
#            JIT and the collector cost at start-up (not defaults: they change long jobs too)
# Per idea: lazy pieces = base -> lazyui (= nocds), AppCDS = nocds -> cds, pre-started daemon =
# cds -> prestart.
# Env: KINDLING_BENCH_DIR (default /tmp/kindling-bench-coldstart). PYTHONDONTWRITEBYTECODE is
# unset, as in a user's Python, which caches bytecode (with it every run compiles kindling's
# sources: ~100 ms more CPU in the driver, more in the daemon); KINDLING_BENCH_NO_PYC=1 keeps it.
set -euo pipefail
[ "${KINDLING_BENCH_NO_PYC:-0}" = 1 ] || unset PYTHONDONTWRITEBYTECODE
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-9}"
variants="${2:-nocds cds}"
py="$root/.venv/bin/python"
work="${KINDLING_BENCH_DIR:-/tmp/kindling-bench-coldstart}"
mkdir -p "$work"
results="$work/coldstart-$(date -u +%Y%m%dT%H%M%SZ).jsonl"
jsa="$work/dumped.jsa"
if [[ " $variants " == *" dumped "* ]]; then
  rm -f "$jsa"
  KINDLING_CDS=0 "$py" "$root/bench/coldstart/phases.py" "-XX:+RecordDynamicDumpInfo" "$jsa" >/dev/null
fi
one() {  # variant
  local l out t0 env=() opts=""
  case "$1" in
    nocds) env=(KINDLING_CDS=0) ;;
    cds) ;;
    dumped) env=(KINDLING_CDS=0); opts="-XX:SharedArchiveFile=$jsa -Xlog:cds=off -Xlog:cds+dynamic=off" ;;
    base) env=(KINDLING_CDS=0 "KINDLING_GATEWAY_CLASSPATH=$KINDLING_BENCH_BASE_CLASSPATH")
          [ -n "${KINDLING_BENCH_BASE_PYTHONPATH:-}" ] && env+=("PYTHONPATH=$KINDLING_BENCH_BASE_PYTHONPATH") ;;
    noprestart) env=(KINDLING_PRESTART_DAEMON=0) ;;
    prestart) env=(KINDLING_PRESTART_DAEMON=1) ;;
    lazyui) env=(KINDLING_CDS=0 KINDLING_PRESTART_DAEMON=0) ;;
    c1) opts="-XX:TieredStopAtLevel=1" ;;
    serialgc) opts="-XX:+UseSerialGC" ;;
    *) echo "unknown variant $1" >&2; exit 2 ;;
  esac
  l=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(date +%s%N)
  env "${env[@]}" KINDLING_BENCH_T0_NS="$t0" /usr/bin/time -o "$work/time.txt" -f "%e %U %S" \
    "$py" "$root/bench/coldstart/phases.py" "$opts" > "$work/phases.json" 2>"$work/phases.err" || {
      echo "$1: failed" >&2; tail -5 "$work/phases.err" >&2; return 0; }
  read -r wall user sys < <(tail -1 "$work/time.txt")
  out=$(cat "$work/phases.json")
  echo "{\"variant\": \"$1\", \"load\": $l, \"wall_ms\": $(echo "$wall*1000/1" | bc), \"cpu_ms\": $(echo "($user+$sys)*1000/1" | bc), \"phases\": $out}" \
    | tee -a "$results"
}
echo "machine: $(nproc) cores; java $(java -version 2>&1 | head -1); runs $runs; variants $variants; bytecode cache $([ -n "${PYTHONDONTWRITEBYTECODE:-}" ] && echo off || echo on); results $results"
ls -l "$root"/gateway/target/kindling-gateway-*.jsa 2>/dev/null || echo "no package-time archive (mvn -B -pl gateway -am package)"
for _ in $(seq 1 "$runs"); do
  for v in $variants; do
    one "$v"
  done
done
"$py" "$root/bench/coldstart/summarize.py" "$results"
