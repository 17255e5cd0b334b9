"""The long-run Python fuzzer (python/tools/fuzz_long.py): a short pass over every decoder finds
nothing, and the property it checks does catch a foreign exception, an oversized read and a hang
(WRK-1.4, WRK-1.5)."""
import os
import sys

import pytest

from kindling.protocol import time_factor

import decoder_fuzz

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import fuzz_long  # noqa: E402


@pytest.fixture
def extra_decoder():
    added = []

    def add(name, fn):
        decoder_fuzz.DECODERS[name] = fn
        added.append(name)

    yield add
    for name in added:
        del decoder_fuzz.DECODERS[name]


@pytest.mark.spec("WRK-1.4", "WRK-1.5")
@pytest.mark.parametrize("decoder", sorted(decoder_fuzz.DECODERS))
def test_WRK_1_4_long_fuzzer_short_pass_finds_nothing(decoder, tmp_path):
    tried, secs, found = fuzz_long.fuzz(decoder, 3000, seed=7, findings_dir=str(tmp_path))
    assert (tried, found) == (3000, [])
    assert not os.listdir(str(tmp_path))


def test_the_mutator_is_seeded_and_grows_its_pool():
    a = fuzz_long.Mutator([b"\x00\x00\x00\x05hello"], __import__("random").Random(3))
    b = fuzz_long.Mutator([b"\x00\x00\x00\x05hello"], __import__("random").Random(3))
    xs = [a.next_input() for _ in range(200)]
    assert xs == [b.next_input() for _ in range(200)]
    assert len(set(xs)) > 150
    _, _, found = fuzz_long.fuzz("frames", 2000, seed=1)
    assert found == []


def test_a_foreign_exception_is_a_finding_and_is_saved(extra_decoder, tmp_path):
    extra_decoder("_broken", lambda raw: int(raw.read(1) or b"x"))
    tried, _, found = fuzz_long.fuzz("_broken", 50, findings_dir=str(tmp_path), max_findings=3)
    assert len(found) == 3 and "ValueError" in found[0] and "instead of a ProtocolError" in found[0]
    saved = os.listdir(os.path.join(str(tmp_path), "_broken"))
    assert any(n.startswith("finding-") and not n.endswith(".txt") for n in saved)


def test_a_read_beyond_the_bound_is_a_finding(extra_decoder):
    extra_decoder("_greedy", lambda raw: raw.read(1 << 30))
    _, _, found = fuzz_long.fuzz("_greedy", 5, max_findings=1)
    assert found and "WRK-1.4" in found[0]


def test_a_protocol_error_naming_no_rule_is_a_finding(extra_decoder):
    def bad_rule(raw):
        raise decoder_fuzz.ProtocolError("XYZ-9", "made up")

    extra_decoder("_norule", bad_rule)
    _, _, found = fuzz_long.fuzz("_norule", 5, max_findings=1)
    assert found and "naming no spec rule" in found[0]


def _hangs_on_second_call():
    """A decoder that spins forever on its second input, and the list counting its calls."""
    calls = []

    def hang_once(raw):
        calls.append(1)
        if len(calls) == 2:
            while True:
                pass

    return calls, hang_once


def test_a_hang_is_a_finding_and_the_run_goes_on(extra_decoder, tmp_path):
    calls, hang_once = _hangs_on_second_call()
    extra_decoder("_hang", hang_once)
    tried, _, found = fuzz_long.fuzz("_hang", 20, deadline=time_factor.scaled(0.5), findings_dir=str(tmp_path))
    assert tried == 20 and len(calls) == 20
    assert len(found) == 1 and "hang" in found[0]
    assert any(n.startswith("hang-") for n in os.listdir(os.path.join(str(tmp_path), "_hang")))


def test_a_hang_is_caught_even_when_sigint_is_ignored(tmp_path, extra_decoder):
    # A background job of a non-interactive shell (nohup ... &, CI runners) starts with SIGINT
    # ignored; the watchdog's interrupt must still land, and the disposition comes back after.
    import signal
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        calls, hang_once = _hangs_on_second_call()
        extra_decoder("_hang_ignored", hang_once)
        tried, _, found = fuzz_long.fuzz("_hang_ignored", 5, deadline=time_factor.scaled(0.5),
                                         findings_dir=str(tmp_path))
        assert tried == 5 and len(found) == 1 and "hang" in found[0]
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
