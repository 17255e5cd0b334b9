"""kindling.java_gateway against the reference JVM-side peer (protocol-spec/peers:
``kindling_peers.gateway``, the one the TCK's self-tests break) in place of the Kindling JVM: the
driver's launcher and Py4J client need nothing of Kindling's JVM to launch, authenticate, call and
stop it, and they run without the Java build."""
import os
import sys

import pytest

from kindling import java_gateway

from gateway_helpers import pid_gone, wait_until

PEERS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))), "protocol-spec", "peers")


@pytest.fixture
def peer_as_java(tmp_path, monkeypatch):
    """JAVA_HOME whose bin/java ignores its arguments and runs the reference gateway peer."""
    home = tmp_path / "peer-jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text('#!/bin/sh\nPYTHONPATH="%s" exec "%s" -m kindling_peers.gateway\n' % (PEERS, sys.executable))
    java.chmod(0o755)
    monkeypatch.setenv("JAVA_HOME", str(home))
    monkeypatch.setenv("KINDLING_GATEWAY_CLASSPATH", "/nonexistent/peer.jar")
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.delenv("KINDLING_PEER_BREAK", raising=False)
    return home


@pytest.mark.parametrize("pin", ["true", "false"])
def test_the_driver_launches_calls_and_stops_the_reference_gateway(peer_as_java, monkeypatch, pin):
    monkeypatch.setenv("PYSPARK_PIN_THREAD", pin)
    gw = java_gateway.launch_gateway({"spark.kindling.gateway.startTimeout": "60"})
    try:
        assert type(gw).__name__ == ("KindlingClientServer" if pin == "true" else "KindlingJavaGateway")
        assert gw.entry_point.version() == "0.0.1-reference-peer"
        assert gw.entry_point.protocolProfile() == "spark-4.2"
    finally:
        code = java_gateway.shutdown_gateway(gw)
    assert code == 0  # the peer exits at the end of its standard input (CONN-3.5)
    assert wait_until(lambda: pid_gone(gw.proc.pid), 5)
