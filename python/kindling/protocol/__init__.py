"""Kindling's protocol codecs: byte-exact encoders and decoders for Apache Spark's PySpark wire
protocols (``protocol-spec/spec/*.md``). Names mirror the Java package ``dev.kindling.protocol``.

Every decoder reads from a binary file object and never touches a socket; every error is a
:class:`kindling.protocol.errors.ProtocolError` whose ``rule_id`` names the broken spec rule.
"""


from . import constants  # noqa: E402,F401  (generated from protocol-spec/constants.json)
