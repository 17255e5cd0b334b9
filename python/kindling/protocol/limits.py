"""Decoder bounds (WRK-1.4, spec section 11; CONN-4.4). Defaults come from ``constants.json``."""
import dataclasses
import re

from kindling.protocol import constants as _c


@dataclasses.dataclass(frozen=True)
class Limits:
    max_frame_bytes: int = _c.Limits.MAX_FRAME_BYTES
    max_secret_bytes: int = _c.Limits.MAX_SECRET_BYTES
    max_header_count: int = _c.Limits.MAX_HEADER_COUNT
    max_header_string_bytes: int = _c.Limits.MAX_HEADER_STRING_BYTES
    max_conf_entries: int = _c.Limits.MAX_CONF_ENTRIES
    max_accumulator_updates: int = _c.Limits.MAX_ACCUMULATOR_UPDATES
    max_init_message_bytes: int = _c.Limits.MAX_INIT_MESSAGE_BYTES  # WRK-4.10.2

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError("%s must be a non-negative int, got %r" % (f.name, value))

    @classmethod
    def defaults(cls):
        return DEFAULT_LIMITS

    @classmethod
    def from_options(cls, options=None):
        """Builds limits from camelCase options as in the golden vectors (``{"maxFrameBytes": 16}``);
        absent keys keep their defaults. Unknown keys are rejected."""
        kwargs = {}
        names = {f.name for f in dataclasses.fields(cls)}
        for key, value in (options or {}).items():
            name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower()
            if name not in names:
                raise ValueError("unknown limit option %r" % (key,))
            kwargs[name] = value
        return cls(**kwargs)


DEFAULT_LIMITS = Limits()
