"""Small helpers shared by the protocol tests."""
import io
import os

import pytest

from kindling.protocol.errors import ProtocolError


def stream(hex_or_bytes):
    data = bytes.fromhex(hex_or_bytes) if isinstance(hex_or_bytes, str) else bytes(hex_or_bytes)
    return io.BytesIO(data)


def raises_rule(rule_id):
    """Context manager asserting a ProtocolError with exactly ``rule_id``."""
    return _RaisesRule(rule_id)


class _RaisesRule:
    def __init__(self, rule_id):
        self.rule_id = rule_id
        self._cm = pytest.raises(ProtocolError)

    def __enter__(self):
        self.info = self._cm.__enter__()
        return self.info

    def __exit__(self, *exc):
        suppressed = self._cm.__exit__(*exc)
        err = self.info.value
        assert err.rule_id == self.rule_id, "expected %s, got %s (%s)" % (self.rule_id, err.rule_id, err)
        assert str(err).startswith(self.rule_id + ": ")
        return suppressed


class RecordingReader(io.RawIOBase):
    """A raw stream that records every requested read size and returns short reads."""

    def __init__(self, data, max_chunk=None):
        self._data = memoryview(bytes(data))
        self._pos = 0
        self.requests = []
        self._max_chunk = max_chunk

    def readable(self):
        return True

    def read(self, n=-1):
        self.requests.append(n)
        if n is None or n < 0:
            n = len(self._data) - self._pos
        if self._max_chunk:
            n = min(n, self._max_chunk)
        out = bytes(self._data[self._pos:self._pos + n])
        self._pos += len(out)
        return out


REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
