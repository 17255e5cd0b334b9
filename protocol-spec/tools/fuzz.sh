#!/usr/bin/env bash
# Coverage-guided fuzzing of every Java decoder with Jazzer (standalone driver over the JUnit
# @FuzzTest methods of DecoderFuzzTest and Py4JHandshakeFuzzTest), SECONDS each, one after the
# other. Prints one table row per decoder: inputs tried, seconds, inputs/s, findings.
#
#   protocol-spec/tools/fuzz.sh [SECONDS]     # default 5: the short CI run (.ci can call this)
#   protocol-spec/tools/fuzz.sh 1800          # a long run
#
# Needs the test classes built (mvn -B -o -pl gateway -am package -DskipTests compiles them only
# with -Dmaven.test.skip=false; this script runs test-compile itself). Starts from the committed
# corpora; new interesting inputs go to $FUZZ_WORK (default target/fuzz), never into the repo.
# FUZZ_ONLY="frames connInfo" restricts the run to those decoders. FUZZ_RUNS=N stops each decoder
# after N inputs (libFuzzer's -runs; SECONDS stays the cap), e.g. the long run of issue 17:
#   FUZZ_RUNS=10000000 nice -n 19 protocol-spec/tools/fuzz.sh 20000
# FUZZ_ROUNDS=R splits FUZZ_RUNS into R rounds, every decoder once per round, so that a run stopped
# early has fuzzed all decoders about equally (each round resumes from the corpus the last one
# grew); FUZZ_TABLE=FILE gets the table so far after every round.
# The last column is the 1-minute load average when the decoder finished (a loaded machine tries
# fewer inputs a second; the figure is only comparable with its load). -timeout=60: a decoder takes
# milliseconds; the first input also pays for class loading and instrumentation, which took over
# 10 s on a loaded machine (a false "timeout" on the empty input).
# A finding leaves crash-* files in $FUZZ_WORK/<decoder>/ and makes the script exit 1: turn each
# into a regression vector in protocol-spec/vectors (then tools/fuzz_seeds.py adds it to the corpus).
set -euo pipefail
SECONDS_EACH=${1:-5}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
WORK=${FUZZ_WORK:-$ROOT/protocol-spec/target/fuzz}
mkdir -p "$WORK"
MVN_OFFLINE=${MVN_OFFLINE:--o}
mvn -B -q $MVN_OFFLINE -pl gateway -am test-compile >/dev/null
# The fuzzing JVMs run from a copy of the compiled classes, so that a build in the tree during a
# long run (which rewrites target/classes) cannot pull classes from under a decoder starting later.
CLASSES="$WORK/classes"
rm -rf "$CLASSES"
for m in protocol-spec engine python-worker-bridge gateway; do
  mkdir -p "$CLASSES/$m"
  cp -r "$ROOT/$m/target/classes" "$CLASSES/$m/classes"
  if [ -d "$ROOT/$m/target/test-classes" ]; then cp -r "$ROOT/$m/target/test-classes" "$CLASSES/$m/test-classes"; fi
done
cp_of() {
  mvn -B -q $MVN_OFFLINE -pl "$1" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$WORK/$1.cp" >/dev/null
  echo "$CLASSES/$1/test-classes:$CLASSES/$1/classes:$(cat "$WORK/$1.cp")"
}
SPEC_CP=$(cp_of protocol-spec)
GW_CP="$(cp_of gateway):$CLASSES/protocol-spec/classes:$CLASSES/engine/classes:$CLASSES/python-worker-bridge/classes"
SPEC_INPUTS=protocol-spec/src/test/resources/dev/kindling/protocol/fuzz/DecoderFuzzTestInputs
GW_INPUTS=gateway/src/test/resources/dev/kindling/gateway/Py4JHandshakeFuzzTestInputs

TARGETS=(
  "protocol-spec dev.kindling.protocol.fuzz.DecoderFuzzTest connInfo"
  "protocol-spec dev.kindling.protocol.fuzz.DecoderFuzzTest authServer"
  "protocol-spec dev.kindling.protocol.fuzz.DecoderFuzzTest authClient"
  "protocol-spec dev.kindling.protocol.fuzz.DecoderFuzzTest frames"
  "protocol-spec dev.kindling.protocol.fuzz.DecoderFuzzTest headerSpark35"
  "protocol-spec dev.kindling.protocol.fuzz.DecoderFuzzTest headerSpark41"
  "protocol-spec dev.kindling.protocol.fuzz.DecoderFuzzTest headerSpark42"
  "protocol-spec dev.kindling.protocol.fuzz.DecoderFuzzTest headerSpark43InitMessage"
  "protocol-spec dev.kindling.protocol.fuzz.DecoderFuzzTest outputSpark35"
  "protocol-spec dev.kindling.protocol.fuzz.DecoderFuzzTest outputSpark42"
  "gateway dev.kindling.gateway.Py4JHandshakeFuzzTest handshakeGate"
)
RUNS_OPT=()
if [ -n "${FUZZ_RUNS:-}" ]; then RUNS_OPT=("-runs=$((FUZZ_RUNS / ${FUZZ_ROUNDS:-1}))"); fi
ROUNDS=${FUZZ_ROUNDS:-1}
declare -A TOTAL_RUNS TOTAL_SECS TOTAL_FOUND NOTE LOAD
ORDER=()
table() {
  echo "| decoder (Java) | inputs tried | seconds | inputs/s | findings | load average |"
  echo "|---|---|---|---|---|---|"
  for m in "${ORDER[@]}"; do
    local r=${TOTAL_RUNS[$m]} s=${TOTAL_SECS[$m]}
    echo "| $m | $r | $s | $(awk -v r="$r" -v s="$s" 'BEGIN { printf "%d", (s > 0 ? r / s : r) }') | ${TOTAL_FOUND[$m]}${NOTE[$m]} | ${LOAD[$m]} |"
  done
}
status=0
for round in $(seq 1 "$ROUNDS"); do
for t in "${TARGETS[@]}"; do
  read -r module cls method <<<"$t"
  if [ -n "${FUZZ_ONLY:-}" ] && [[ " $FUZZ_ONLY " != *" $method "* ]]; then continue; fi
  if [ "$round" -eq 1 ]; then
    ORDER+=("$method"); TOTAL_RUNS[$method]=0; TOTAL_SECS[$method]=0; TOTAL_FOUND[$method]=0; NOTE[$method]=""
  fi
  if [ "$module" = gateway ]; then cp=$GW_CP; seeds=$GW_INPUTS/$method; includes='dev.kindling.gateway.**'
  else cp=$SPEC_CP; seeds=$SPEC_INPUTS/$method; includes='dev.kindling.protocol.**'; fi
  out="$WORK/$method"
  mkdir -p "$out/corpus"
  log="$out/jazzer.log"
  # -Xmx well below the 2 GiB an unchecked i32 length could ask for: such an allocation is a finding.
  set +e
  timeout $((SECONDS_EACH * 2 + 300)) java -Xmx512m -cp "$cp" com.code_intelligence.jazzer.Jazzer \
    --target_class="$cls" --target_method="$method" --instrumentation_includes="$includes" \
    --reproducer_path="$out" -artifact_prefix="$out/" -max_total_time="$SECONDS_EACH" -timeout=60 \
    -rss_limit_mb=2048 ${RUNS_OPT[@]+"${RUNS_OPT[@]}"} "$out/corpus" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  runs=$( (grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" || true) | tail -1 | awk '{print $2}')
  secs=$( (grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" || true) | tail -1 | awk '{print $5}')
  # A finding counts only if it reproduces: a run killed from outside (the timeout above on an
  # overloaded machine) makes libFuzzer write its current input as "crash-*" too. Artifacts of
  # earlier rounds carry a suffix and are not looked at again.
  crashes=0
  for artifact in $(find "$out" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \) ! -name '*.*'); do
    if ! timeout 600 java -Xmx512m -cp "$cp" com.code_intelligence.jazzer.Jazzer --target_class="$cls" \
        --target_method="$method" --instrumentation_includes="$includes" -timeout=60 "$artifact" \
        >"$artifact.repro.log" 2>&1; then
      crashes=$((crashes + 1))
      mv "$artifact" "$artifact.finding"
    else
      mv "$artifact" "$artifact.not-reproduced"
    fi
  done
  if [ -z "$runs" ]; then runs=$( (grep -Eo '#[0-9]+' "$log" || true) | tail -1 | tr -d '#'); secs=$SECONDS_EACH; fi
  if [ "$rc" -eq 124 ]; then NOTE[$method]=" (stopped by the outer timeout; machine overloaded)"; fi
  TOTAL_RUNS[$method]=$((TOTAL_RUNS[$method] + ${runs:-0}))
  TOTAL_SECS[$method]=$((TOTAL_SECS[$method] + ${secs:-0}))
  TOTAL_FOUND[$method]=$((TOTAL_FOUND[$method] + crashes))
  LOAD[$method]=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
  if [ "$ROUNDS" -gt 1 ]; then
    echo "round $round/$ROUNDS $method: ${runs:-0} inputs in ${secs:-?} s, $crashes findings, load ${LOAD[$method]}" >&2
  fi
  if [ "$crashes" -ne 0 ] || { [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; }; then status=1; fi
done
if [ -n "${FUZZ_TABLE:-}" ]; then { table; echo; echo "(after round $round of $ROUNDS)"; } >"$FUZZ_TABLE"; fi
done
table
exit $status
