"""Commands for the bridge's tests: user functions (funcs), raw-frame serializers and the command
builder (make_command). They run on the reference worker and daemon of protocol-spec/peers
(kindling_peers.worker, kindling_peers.daemon), which speak the worker protocol independently of
kindling.worker / kindling.daemon; funcs reads what the worker saw from kindling_peers.state.
"""
