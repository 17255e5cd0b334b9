"""Fixtures for the gateway tests: they start real JVMs, so they need the built gateway jars
(``mvn -B -pl gateway -am package``) and are skipped with that hint when the jars are missing."""
import pytest

from kindling import java_gateway


@pytest.fixture(scope="session")
def gateway_classpath():
    try:
        return java_gateway.find_classpath()
    except java_gateway.GatewayLaunchError as e:
        pytest.skip(str(e))


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """A TMPDIR of our own, so that a leftover temporary file is visible."""
    d = tmp_path / "tmpdir"
    d.mkdir()
    monkeypatch.setenv("TMPDIR", str(d))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    return d


@pytest.fixture
def gateway(gateway_classpath):
    gw = java_gateway.launch_gateway()
    yield gw
    if gw.proc.poll() is None:
        java_gateway.shutdown_gateway(gw)
