import pytest

from kindling.protocol import time_factor


def test_unset_is_one(monkeypatch):
    monkeypatch.delenv(time_factor.ENV, raising=False)
    assert time_factor.scaled(2.5) == 2.5


def test_factor_scales(monkeypatch):
    monkeypatch.setenv(time_factor.ENV, "3")
    assert time_factor.scaled(2) == 6


@pytest.mark.parametrize("bad", ["fast", "0.5", "0", "-1", "nan", "inf"])
def test_bad_factor_is_refused_naming_the_variable(monkeypatch, bad):
    monkeypatch.setenv(time_factor.ENV, bad)
    with pytest.raises(ValueError, match="^KINDLING_TIME_FACTOR=" + bad):
        time_factor.factor()
