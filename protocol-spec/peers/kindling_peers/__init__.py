"""Kindling's reference protocol peers: one small, independent implementation of each side a
Kindling module or the TCK talks to, each breakable on purpose.

    worker side            kindling_peers.worker (simple mode; also what the daemon runs)
                           kindling_peers.daemon (daemon mode)
    JVM side, for drivers  kindling_peers.gateway (conn-info publisher and Py4J gateway)
    driver side            kindling_peers.conn_info_reader (reads a conn-info file)

Unbroken, each keeps the rules of protocol-spec/spec/*.md it touches. KINDLING_PEER_BREAK, a
comma-separated list of names from the tables in kindling_peers.breaks, makes a peer break the
rule each name stands for; a name the peer does not know is refused (exit status 2), so a typo
never passes for an unbroken peer. README.md next to this package lists every break, the rule it
breaks and the tests that use it.
"""
