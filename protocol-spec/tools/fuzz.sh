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
# FUZZ_ONLY="frames connInfo" restricts the run to those decoders. -timeout=60: a decoder takes
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
cp_of() {
  mvn -B -q $MVN_OFFLINE -pl "$1" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$WORK/$1.cp" >/dev/null
  echo "$ROOT/$1/target/test-classes:$ROOT/$1/target/classes:$(cat "$WORK/$1.cp")"
}
SPEC_CP=$(cp_of protocol-spec)
GW_CP="$(cp_of gateway):$ROOT/protocol-spec/target/classes:$ROOT/engine/target/classes:$ROOT/python-worker-bridge/target/classes"
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
echo "| decoder (Java) | inputs tried | seconds | inputs/s | findings |"
echo "|---|---|---|---|---|"
status=0
for t in "${TARGETS[@]}"; do
  read -r module cls method <<<"$t"
  if [ -n "${FUZZ_ONLY:-}" ] && [[ " $FUZZ_ONLY " != *" $method "* ]]; then continue; fi
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
    -rss_limit_mb=2048 "$out/corpus" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  runs=$( (grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" || true) | tail -1 | awk '{print $2}')
  secs=$( (grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" || true) | tail -1 | awk '{print $5}')
  # A finding counts only if it reproduces: a run killed from outside (the timeout above on an
  # overloaded machine) makes libFuzzer write its current input as "crash-*" too.
  crashes=0
  for artifact in $(find "$out" -maxdepth 1 \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' \)); do
    if ! timeout 600 java -Xmx512m -cp "$cp" com.code_intelligence.jazzer.Jazzer --target_class="$cls" \
        --target_method="$method" --instrumentation_includes="$includes" -timeout=60 "$artifact" \
        >"$artifact.repro.log" 2>&1; then
      crashes=$((crashes + 1))
    else
      mv "$artifact" "$artifact.not-reproduced"
    fi
  done
  if [ -z "$runs" ]; then runs=$( (grep -Eo '#[0-9]+' "$log" || true) | tail -1 | tr -d '#'); secs=$SECONDS_EACH; fi
  rate=$(awk -v r="${runs:-0}" -v s="${secs:-1}" 'BEGIN { printf "%d", (s > 0 ? r / s : r) }')
  note=""
  if [ "$rc" -eq 124 ]; then note=" (stopped by the outer timeout; machine overloaded)"; fi
  echo "| $method | ${runs:-0} | ${secs:-?} | $rate | $crashes$note |"
  if [ "$crashes" -ne 0 ] || { [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; }; then status=1; fi
done
exit $status
