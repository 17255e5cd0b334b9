#!/usr/bin/env bash
# Short CI run of the hardening suites (issue 17): the chaos/load table at CI sizes and a few
# seconds of coverage-guided fuzzing per Java decoder. The Python decoders' short fuzz pass and the
# Java fuzz corpora replay already run inside pytest (python/tests/test_decoder_fuzz.py) and
# `mvn verify` (DecoderFuzzTest, Py4JHandshakeFuzzTest). Needs the jars built and .venv set up.
# Exit status: 0 when every scenario is ok with nothing leaked and no fuzzer finding.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
status=0
echo "== reliability/chaos.py --short"
.venv/bin/python reliability/chaos.py --short --timeout 300 || status=1
echo "== protocol-spec/tools/fuzz.sh ${KINDLING_FUZZ_SECONDS:-5}"
protocol-spec/tools/fuzz.sh "${KINDLING_FUZZ_SECONDS:-5}" || status=1
exit $status
