"""The one error type of the protocol codecs (mirrors Java ``ProtocolException``)."""


class ProtocolError(Exception):
    """A peer broke a rule of one of Kindling's protocol specifications.

    ``rule_id`` is the id of the broken rule (for example ``"WRK-5.4"``) and ``str(error)`` always
    starts with ``"<rule_id>: "`` so that a log line points straight at the spec.
    """

    def __init__(self, rule_id, detail):
        if not rule_id:
            raise ValueError("rule_id is required")
        super().__init__("%s: %s" % (rule_id, detail))
        self.rule_id = rule_id
        self.detail = detail

    def __reduce__(self):
        return (type(self), (self.rule_id, self.detail))
