"""The short CI pass of the Python decoder fuzzers (decoder_fuzz.py): mutated golden-vector seeds
and random bytes through every decoder; ProtocolError naming a spec rule only, bounded reads, no
hang (WRK-1.4, WRK-1.5)."""
import pytest

import decoder_fuzz


@pytest.mark.spec("WRK-1.4", "WRK-1.5")
@pytest.mark.parametrize("decoder", sorted(decoder_fuzz.DECODERS))
def test_WRK_1_4_decoder_fuzz_short(decoder):
    tried, _ = decoder_fuzz.fuzz(decoder, examples=150)
    assert tried >= 150


def test_seed_corpora_exist_for_every_decoder():
    for name in decoder_fuzz.DECODERS:
        assert len(decoder_fuzz.seeds(name)) > 1, name


def test_the_property_catches_a_foreign_exception():
    decoder_fuzz.DECODERS["_broken"] = lambda raw: int("x")
    try:
        with pytest.raises(AssertionError, match="ValueError"):
            decoder_fuzz.check("_broken", b"")
    finally:
        del decoder_fuzz.DECODERS["_broken"]
