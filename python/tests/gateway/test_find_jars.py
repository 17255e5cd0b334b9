"""kindling.java_gateway: finding java and the gateway jars (no JVM started)."""
import os

import pytest

from kindling import java_gateway
from kindling.java_gateway import GatewayLaunchError
from kindling.protocol import time_factor


def touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return str(path)


def test_explicit_classpath_wins(tmp_path):
    env = {"KINDLING_GATEWAY_CLASSPATH": "/a.jar%s/b.jar" % os.pathsep,
           "KINDLING_HOME": str(tmp_path)}
    assert java_gateway.find_classpath(env) == ["/a.jar", "/b.jar"]


def test_kindling_home_jars_gateway_first_then_rest_and_lib(tmp_path, monkeypatch):
    monkeypatch.setattr(java_gateway, "_source_checkout_jars", lambda: (None, "/nowhere"))
    gw = touch(tmp_path / "jars" / "kindling-gateway-1.0.jar")
    dep = touch(tmp_path / "jars" / "aaa-dep.jar")
    lib = touch(tmp_path / "jars" / "lib" / "py4j.jar")
    if os.path.isdir(os.path.join(os.path.dirname(java_gateway.__file__), "jars")):
        pytest.skip("this checkout has bundled jars, which take precedence")
    assert java_gateway.find_classpath({"KINDLING_HOME": str(tmp_path)}) == [gw, dep, lib]


def test_nothing_found_names_every_option(monkeypatch):
    monkeypatch.setattr(java_gateway, "_source_checkout_jars", lambda: (None, "/src"))
    monkeypatch.setattr(java_gateway, "_jars_in", lambda d: None)
    with pytest.raises(GatewayLaunchError) as info:
        java_gateway.find_classpath({})
    text = str(info.value)
    for word in ("KINDLING_GATEWAY_CLASSPATH", "KINDLING_HOME", "kindling/jars", "mvn"):
        assert word in text


def test_java_from_java_home_then_path(tmp_path):
    java = tmp_path / "jdk" / "bin" / "java"
    touch(java)
    java.chmod(0o755)
    assert java_gateway.find_java({"JAVA_HOME": str(tmp_path / "jdk"), "PATH": ""}) == str(java)
    other = tmp_path / "bin" / "java"
    touch(other)
    other.chmod(0o755)
    assert java_gateway.find_java({"JAVA_HOME": str(tmp_path / "none"),
                                   "PATH": str(tmp_path / "bin")}) == str(other)


def test_start_timeout_from_conf_or_env():
    assert java_gateway._start_timeout(None, {}) == 60.0
    assert java_gateway._start_timeout({"spark.kindling.gateway.startTimeout": "5s"}, {}) == 5.0
    assert java_gateway._start_timeout(None, {"KINDLING_GATEWAY_START_TIMEOUT": "2.5"}) == 2.5
    with pytest.raises(ValueError, match="startTimeout"):
        java_gateway._start_timeout({"spark.kindling.gateway.startTimeout": "soon"}, {})


def test_java_options_from_conf():
    assert java_gateway._java_options({"spark.driver.memory": "2g",
                                       "spark.driver.extraJavaOptions": "-Da=1 -Db='x y'"}) == [
        "-Xmx2g", "-Da=1", "-Db=x y"]


@pytest.mark.spec("CONN-4.2", "CONN-4.6")
def test_read_conn_info_command_prints_port_or_names_the_rule(tmp_path):
    import struct
    import subprocess
    import sys
    good = tmp_path / "good"
    good.write_bytes(struct.pack(">ii", 4242, 3) + b"abc")
    bad = tmp_path / "bad"
    bad.write_bytes(struct.pack(">ii", 4242, 3) + b"abcX")
    short = tmp_path / "short"
    short.write_bytes(b"\x00\x00")
    run = lambda p: subprocess.run([sys.executable, "-m", "kindling.java_gateway", "--read-conn-info",
                                    str(p)], capture_output=True, text=True, timeout=time_factor.scaled(60))
    ok = run(good)
    assert ok.returncode == 0 and ok.stdout.strip() == "4242"
    trailing = run(bad)
    assert trailing.returncode == 1 and "CONN-4.6" in trailing.stderr
    truncated = run(short)
    assert truncated.returncode == 1 and "CONN-4.2" in truncated.stderr
