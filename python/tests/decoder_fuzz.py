"""Hypothesis byte fuzzing of every Python decoder of ``kindling.protocol``.

Inputs are the committed seeds (the Java fuzzers' corpus,
``protocol-spec/src/test/resources/dev/kindling/protocol/fuzz/DecoderFuzzTestInputs/``, made from
the golden vectors by ``protocol-spec/tools/fuzz_seeds.py``) put through byte-level mutations, and
plain random bytes. The property, for every decoder and every input:

* it returns, or raises ``ProtocolError`` whose ``rule_id`` is a rule of the specs and whose
  message starts with it; any other exception is a finding;
* no single read asks for more than ``READ_CHUNK`` bytes (WRK-1.4: a lying length costs no big
  allocation before its bytes arrive);
* it finishes within the Hypothesis deadline (no hang).

``test_decoder_fuzz.py`` runs a short pass in CI; ``python -m decoder_fuzz --examples N`` (from
``python/tests``) is the long run and prints the inputs tried per decoder.
"""
import glob
import io
import os
import re
import struct
import sys
import time

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from protocol_helpers import REPO_ROOT, RecordingReader  # noqa: E402
from kindling.protocol.auth import client_handshake, server_handshake  # noqa: E402
from kindling.protocol.conninfo import decode_conn_info  # noqa: E402
from kindling.protocol.errors import ProtocolError  # noqa: E402
from kindling.protocol.frames import FrameReader  # noqa: E402
from kindling.protocol.header import decode_task_header  # noqa: E402
from kindling.protocol.limits import Limits  # noqa: E402
from kindling.protocol.output import WorkerOutputDecoder  # noqa: E402
from kindling.protocol.profiles import Profile  # noqa: E402
from kindling.protocol.wire import READ_CHUNK  # noqa: E402
from kindling.protocol import time_factor

# One corpus for both languages: the Jazzer regression inputs of DecoderFuzzTest.
CORPUS = os.path.join(REPO_ROOT, "protocol-spec", "src", "test", "resources", "dev", "kindling", "protocol",
                      "fuzz", "DecoderFuzzTestInputs")
#: Python decoder name -> the corpus directory (the Java @FuzzTest method of the same decoder)
CORPUS_DIRS = {"conn_info": "connInfo", "auth_server": "authServer", "auth_client": "authClient",
               "frames": "frames", "header_spark_3_5": "headerSpark35", "header_spark_4_1": "headerSpark41",
               "header_spark_4_2": "headerSpark42", "header_spark_4_3": "headerSpark43InitMessage",
               "output_spark_3_5": "outputSpark35", "output_spark_4_2": "outputSpark42"}
SMALL = Limits(max_frame_bytes=1 << 16, max_header_count=64, max_header_string_bytes=1 << 12,
               max_conf_entries=64, max_accumulator_updates=64, max_secret_bytes=256,
               max_init_message_bytes=1 << 16)
SECRET = "ab" * 32


def _rule_ids():
    ids = set()
    for path in glob.glob(os.path.join(REPO_ROOT, "protocol-spec", "spec", "*.md")):
        with open(path, encoding="utf-8") as f:
            ids.update(re.findall(r"\*\*\[([A-Z]+-[0-9.]+)\]\*\*", f.read()))
    return ids


RULE_IDS = _rule_ids()


def _header(profile):
    return lambda raw: decode_task_header(raw, profile, SMALL)


def _output(profile):
    return lambda raw: WorkerOutputDecoder(raw, profile, SMALL).read_all()


#: decoder name (also its corpus directory) -> function of a raw stream
DECODERS = {
    "conn_info": lambda raw: decode_conn_info(raw.read(), SMALL),
    "auth_server": lambda raw: server_handshake(raw, io.BytesIO(), SECRET, SMALL.max_secret_bytes),
    "auth_client": lambda raw: client_handshake(raw, io.BytesIO(), SECRET),
    "frames": lambda raw: list(FrameReader(raw, SMALL)),
    "header_spark_3_5": _header(Profile.SPARK_3_5),
    "header_spark_4_1": _header(Profile.SPARK_4_1),
    "header_spark_4_2": _header(Profile.SPARK_4_2),
    "header_spark_4_3": _header(Profile.SPARK_4_3),
    "output_spark_3_5": _output(Profile.SPARK_3_5),
    "output_spark_4_2": _output(Profile.SPARK_4_2),
}


def seeds(decoder):
    out = []
    for path in sorted(glob.glob(os.path.join(CORPUS, CORPUS_DIRS.get(decoder, decoder), "*"))):
        with open(path, "rb") as f:
            data = f.read()
        if len(data) <= 1 << 16:  # the big boundary vectors add time, not coverage
            out.append(data)
    return out or [b""]


_INTERESTING_I32 = [0, 1, -1, -2, -3, -4, -5, -6, -7, -8, 0x7FFFFFFF, -0x80000000, 255, 256, 1 << 16,
                    (1 << 16) + 1, 1 << 20, 64, 65]


@st.composite
def mutated(draw, pool):
    data = bytearray(draw(st.sampled_from(pool)))
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.integers(0, 6))
        pos = draw(st.integers(0, len(data)))
        if op == 0 and data:  # flip one byte
            i = min(pos, len(data) - 1)
            data[i] ^= draw(st.integers(1, 255))
        elif op == 1:  # insert bytes
            data[pos:pos] = draw(st.binary(max_size=16))
        elif op == 2 and data:  # delete a range
            data[pos:pos + draw(st.integers(1, 16))] = b""
        elif op == 3:  # truncate
            del data[pos:]
        elif op == 4:  # overwrite an i32 with an interesting value
            data[pos:pos + 4] = struct.pack(">i", draw(st.sampled_from(_INTERESTING_I32)))
        elif op == 5:  # splice in part of another seed
            other = draw(st.sampled_from(pool))
            a = draw(st.integers(0, len(other)))
            data[pos:pos] = other[a:a + draw(st.integers(0, 64))]
        else:  # duplicate a range
            data[pos:pos] = data[pos:pos + draw(st.integers(1, 32))]
    return bytes(data)


def inputs(decoder):
    pool = seeds(decoder)
    return st.one_of(mutated(pool), st.binary(max_size=256))


def check(decoder, data):
    """The property; raises AssertionError on a finding."""
    raw = RecordingReader(data)
    try:
        DECODERS[decoder](raw)
    except ProtocolError as e:
        assert e.rule_id in RULE_IDS, "%s: ProtocolError naming no spec rule %r on %s" % (decoder, e.rule_id, data.hex())
        assert str(e).startswith(e.rule_id + ": "), "%s: message %r does not start with its rule" % (decoder, str(e))
    except Exception as e:
        raise AssertionError("%s: %s: %s instead of a ProtocolError on %s"
                             % (decoder, type(e).__name__, e, data[:512].hex())) from e
    big = [n for n in raw.requests if n is not None and n > max(READ_CHUNK, 1 << 16)]
    assert not big, "%s: a read of %d bytes (WRK-1.4: bound before reading)" % (decoder, big[0])


def fuzz(decoder, examples, deadline_ms=None):
    """Runs ``examples`` inputs through ``decoder``; returns (inputs tried, seconds). Each input must be
    decoded within ``deadline_ms`` (default 5 s times the time factor)."""
    deadline_ms = time_factor.scaled(5000) if deadline_ms is None else deadline_ms
    tried = [0]

    @settings(max_examples=examples, deadline=deadline_ms, database=None, derandomize=False,
              phases=[Phase.generate, Phase.shrink],
              suppress_health_check=list(HealthCheck))
    @given(inputs(decoder))
    def run(data):
        tried[0] += 1
        check(decoder, data)

    t0 = time.monotonic()
    run()
    return tried[0], time.monotonic() - t0


def main(argv=None):
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=100000, help="inputs per decoder")
    ap.add_argument("--decoder", action="append", help="only these (default: all)")
    a = ap.parse_args(argv)
    print("| decoder (Python) | inputs tried | seconds | inputs/s | findings |")
    print("|---|---|---|---|---|")
    status = 0
    for name in a.decoder or list(DECODERS):
        try:
            n, secs = fuzz(name, a.examples)
            finding = "0"
        except AssertionError as e:
            n, secs, finding = -1, 0.0, "1: %s" % str(e).splitlines()[0][:200]
            status = 1
        print("| %s | %d | %.0f | %d | %s |" % (name, n, secs, n / secs if secs else 0, finding))
        sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
