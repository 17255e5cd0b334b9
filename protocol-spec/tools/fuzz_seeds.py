#!/usr/bin/env python3
"""Seeds the committed fuzz corpora from the golden vectors (protocol-spec/vectors/*.json).

    python3 protocol-spec/tools/fuzz_seeds.py

Writes one file per vector into
protocol-spec/src/test/resources/dev/kindling/protocol/fuzz/DecoderFuzzTestInputs/<method>/: the
Jazzer JUnit regression inputs of DecoderFuzzTest, which python/tests/decoder_fuzz.py also seeds from. Idempotent: file names are the vector names. Regression vectors for crashes
found by fuzzing live in the vectors themselves, so they are seeded here too.
"""
import json
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC = os.path.dirname(HERE)
ROOT = os.path.dirname(SPEC)
JAVA = os.path.join(SPEC, "src/test/resources/dev/kindling/protocol/fuzz/DecoderFuzzTestInputs")
ALL = ["spark-3.5", "spark-4.1", "spark-4.2", "spark-4.3"]

# vector suite -> [(corpus name, profile or None)]
TARGETS = {
    "conn-info": [("connInfo", None)],
    "frames": [("frames", None)],
    "task-header": [("headerSpark35", "spark-3.5"), ("headerSpark41", "spark-4.1"),
                    ("headerSpark42", "spark-4.2"), ("headerSpark43InitMessage", "spark-4.3")],
    "worker-output": [("outputSpark35", "spark-3.5"), ("outputSpark42", "spark-4.2")],
}


def _write(target, name, data):
    d = os.path.join(JAVA, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, re.sub(r"[^A-Za-z0-9_.-]", "_", name)), "wb") as f:
        f.write(data)


def main():
    n = 0
    for suite, targets in TARGETS.items():
        with open(os.path.join(SPEC, "vectors", suite + ".json")) as f:
            vectors = json.load(f)["vectors"]
        for v in vectors:
            for target, profile in targets:
                if profile is not None and profile not in v.get("profiles", ALL):
                    continue
                _write(target, v["name"], bytes.fromhex(v["hex"]))
                n += 1
    with open(os.path.join(SPEC, "vectors", "auth.json")) as f:
        for v in json.load(f)["vectors"]:
            # the server decodes what the client sent, the client what the server sent
            if v.get("clientHex") is not None:
                _write("authServer", v["name"], bytes.fromhex(v["clientHex"]))
                n += 1
            if v.get("serverHex") is not None:
                _write("authClient", v["name"], bytes.fromhex(v["serverHex"]))
                n += 1
    print("wrote %d seed files" % n)


if __name__ == "__main__":
    main()
