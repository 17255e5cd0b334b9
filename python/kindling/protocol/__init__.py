"""Kindling's protocol codecs: byte-exact encoders and decoders for Apache Spark's PySpark wire
protocols (``protocol-spec/spec/*.md``). Names mirror the Java package ``dev.kindling.protocol``.

Every decoder reads from a binary file object and never touches a socket; every error is a
:class:`kindling.protocol.errors.ProtocolError` whose ``rule_id`` names the broken spec rule.
"""


def _load_constants():
    # constants.py is generated (protocol-spec/tools/gen_constants.py) and must never be edited by
    # hand. Some generator versions render PROFILES with JSON literals (false/true), which Python
    # cannot execute; pre-seed those names so the module still loads. With a fixed generator the
    # plain import succeeds and this fallback is never used.
    import importlib
    import importlib.util
    import sys

    name = __name__ + ".constants"
    try:
        return importlib.import_module(name)
    except NameError:
        spec = importlib.util.find_spec(name)
        module = importlib.util.module_from_spec(spec)
        module.__dict__.update(false=False, true=True, null=None)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            del sys.modules[name]
            raise
        for literal in ("false", "true", "null"):
            module.__dict__.pop(literal, None)
        return module


constants = _load_constants()
del _load_constants
