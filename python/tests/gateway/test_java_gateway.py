"""kindling.java_gateway against a real Kindling JVM: launch, attach, failures, lifecycle."""
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import time

import pytest

from kindling import java_gateway
from kindling.java_gateway import GatewayGoneError, GatewayLaunchError

from gateway_helpers import pid_gone, run_python, wait_until
from kindling.protocol import time_factor

PIN_MODES = ["true", "false"]


def fake_java(tmp_path, body):
    """A JAVA_HOME whose bin/java is a shell script running ``body``."""
    home = tmp_path / "fake-jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text("#!/bin/sh\n" + body + "\n")
    java.chmod(0o755)
    return home


# ---------------------------------------------------------------------------------------------
# Clean launch, call, shutdown


@pytest.mark.parametrize("pin", PIN_MODES)
@pytest.mark.spec("GW-1.3", "GW-3.3", "CONN-4.8")
def test_GW_3_3_python_c_launches_calls_and_shuts_down_leaving_nothing(
        gateway_classpath, private_tmp, pin):
    env = dict(os.environ, PYSPARK_PIN_THREAD=pin, TMPDIR=str(private_tmp))
    code = textwrap.dedent("""
        import kindling.java_gateway as g
        gw = g.launch_gateway()
        print(gw.proc.pid, flush=True)
        print(type(gw).__name__, gw.entry_point.version(), gw.entry_point.protocolProfile())
        print(g.shutdown_gateway(gw))
    """)
    done = run_python(code, env=env, timeout=time_factor.scaled(60))
    assert done.returncode == 0, done.stderr
    pid, kind, code_line = done.stdout.splitlines()
    assert kind.split()[0] == ("KindlingClientServer" if pin == "true" else "KindlingJavaGateway")
    assert kind.split()[2] == "spark-4.2"
    assert code_line == "0"
    assert pid_gone(int(pid))
    assert list(private_tmp.iterdir()) == []


@pytest.mark.spec("GW-4.1")
def test_GW_4_1_version_and_profile(gateway):
    assert gateway.entry_point.version().startswith("0.")
    assert gateway.entry_point.protocolProfile() == "spark-4.2"


# ---------------------------------------------------------------------------------------------
# Attach mode


@pytest.mark.spec("CONN-1.1")
def test_CONN_1_1_attach_mode_starts_no_jvm(gateway, tmp_path):
    port = gateway.gateway_parameters.port
    secret = gateway.gateway_parameters.auth_token
    empty = tmp_path / "empty-path"
    empty.mkdir()
    env = dict(os.environ, PYSPARK_GATEWAY_PORT=str(port), PYSPARK_GATEWAY_SECRET=secret,
               PATH=str(empty), JAVA_HOME=str(tmp_path / "no-jdk"))
    code = textwrap.dedent("""
        import kindling.java_gateway as g
        gw = g.launch_gateway()
        print(gw.proc, gw.entry_point.protocolProfile())
        g.shutdown_gateway(gw)
    """)
    done = run_python(code, env=env, timeout=time_factor.scaled(60))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["None", "spark-4.2"]
    assert gateway.entry_point.version()  # the JVM is not shut down by an attached driver


@pytest.mark.spec("CONN-1.2")
def test_CONN_1_2_port_without_secret_names_the_variable(monkeypatch):
    monkeypatch.setenv("PYSPARK_GATEWAY_PORT", "12345")
    monkeypatch.delenv("PYSPARK_GATEWAY_SECRET", raising=False)
    with pytest.raises(GatewayLaunchError, match="PYSPARK_GATEWAY_SECRET"):
        java_gateway.launch_gateway()


# ---------------------------------------------------------------------------------------------
# The JVM cannot start


@pytest.mark.spec("CONN-4.1")
def test_CONN_4_1_no_java_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv("PYSPARK_GATEWAY_PORT", raising=False)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GatewayLaunchError, match="java") as info:
        java_gateway.launch_gateway()
    assert "JAVA_HOME" in str(info.value) and "PATH" in str(info.value)


@pytest.mark.spec("CONN-4.1")
def test_CONN_4_1_bad_heap_option_reports_exit_code_and_stderr(gateway_classpath, private_tmp):
    t0 = time.monotonic()
    with pytest.raises(GatewayLaunchError) as info:
        java_gateway.launch_gateway({"spark.driver.extraJavaOptions": "-Xmx1k"})
    assert time.monotonic() - t0 < 30
    assert info.value.exit_code not in (None, 0)
    message = str(info.value)
    assert "exited with code %d" % info.value.exit_code in message
    assert "heap" in message
    assert list(private_tmp.iterdir()) == []


@pytest.mark.spec("CONN-4.1", "CONN-3.3")
def test_CONN_4_1_port_bind_failure_names_the_reason(gateway_classpath, private_tmp):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(GatewayLaunchError) as info:
            java_gateway.launch_gateway(
                {"spark.driver.extraJavaOptions": "-Dkindling.gateway.port=%d" % port})
    message = str(info.value)
    assert "bind" in message and str(port) in message
    assert info.value.exit_code == 1
    assert list(private_tmp.iterdir()) == []


@pytest.mark.spec("CONN-4.1")
def test_CONN_4_1_start_timeout_kills_the_jvm(monkeypatch, tmp_path, private_tmp):
    pid_file = tmp_path / "pid"
    home = fake_java(tmp_path, 'echo $$ > %s; echo "starting slowly" >&2; exec sleep 30' % pid_file)
    monkeypatch.setenv("JAVA_HOME", str(home))
    monkeypatch.setenv("KINDLING_GATEWAY_CLASSPATH", "/nonexistent.jar")
    t0 = time.monotonic()
    with pytest.raises(GatewayLaunchError, match="timed out after 1s") as info:
        java_gateway.launch_gateway({"spark.kindling.gateway.startTimeout": "1"})
    assert time.monotonic() - t0 < 5
    assert "starting slowly" in str(info.value)
    assert wait_until(lambda: pid_gone(int(pid_file.read_text())), 2)
    assert list(private_tmp.iterdir()) == []


@pytest.mark.spec("CONN-4.1")
def test_CONN_4_1_exit_zero_before_publishing_is_still_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("JAVA_HOME", str(fake_java(tmp_path, "exit 0")))
    monkeypatch.setenv("KINDLING_GATEWAY_CLASSPATH", "/nonexistent.jar")
    with pytest.raises(GatewayLaunchError, match="exited with code 0"):
        java_gateway.launch_gateway({"spark.kindling.gateway.startTimeout": "10"})


@pytest.mark.spec("CONN-4.8", "CONN-4.9", "CONN-1.3")
def test_CONN_4_8_private_directory_and_stdin_pipe(monkeypatch, tmp_path, private_tmp):
    report = tmp_path / "report"
    body = ('d=$(dirname "$_PYSPARK_DRIVER_CONN_INFO_PATH"); '
            'echo "$(stat -c %%a "$d") $(test -e "$_PYSPARK_DRIVER_CONN_INFO_PATH" && echo exists || echo absent) '
            '$(test -p /dev/stdin && echo pipe || echo notpipe) $_PYSPARK_DRIVER_CONN_INFO_PATH" > %s; exit 3'
            % report)
    monkeypatch.setenv("JAVA_HOME", str(fake_java(tmp_path, body)))
    monkeypatch.setenv("KINDLING_GATEWAY_CLASSPATH", "/nonexistent.jar")
    with pytest.raises(GatewayLaunchError, match="exited with code 3"):
        java_gateway.launch_gateway()
    mode, existence, stdin_kind, path = report.read_text().split()
    assert mode == "700"
    assert existence == "absent"
    assert stdin_kind == "pipe"
    assert os.path.isabs(path) and path.startswith(str(private_tmp))
    assert not os.path.exists(os.path.dirname(path))


# ---------------------------------------------------------------------------------------------
# Lifecycle


@pytest.mark.spec("GW-3.1", "CONN-3.5")
def test_GW_3_1_driver_sigkill_takes_the_jvm_down_within_2s(gateway_classpath):
    code = textwrap.dedent("""
        import sys, time
        import kindling.java_gateway as g
        gw = g.launch_gateway()
        gw.entry_point.version()
        print(gw.proc.pid, flush=True)
        time.sleep(60)
    """)
    driver = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        jvm_pid = int(driver.stdout.readline())
        assert not pid_gone(jvm_pid)
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=time_factor.scaled(5))
        t0 = time.monotonic()
        assert wait_until(lambda: pid_gone(jvm_pid), 2.0), "JVM still alive 2 s after its driver died"
        assert time.monotonic() - t0 < 2.0
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait(timeout=time_factor.scaled(5))
        driver.stdout.close()


@pytest.mark.parametrize("pin", PIN_MODES)
@pytest.mark.spec("GW-3.2")
def test_GW_3_2_jvm_killed_next_call_fails_clearly_within_2s(gateway_classpath, monkeypatch, pin):
    monkeypatch.setenv("PYSPARK_PIN_THREAD", pin)
    gw = java_gateway.launch_gateway()
    try:
        assert gw.entry_point.version()
        gw.proc.kill()
        gw.proc.wait(timeout=time_factor.scaled(5))
        t0 = time.monotonic()
        with pytest.raises(GatewayGoneError, match="GW-3.2: the Kindling JVM .* no longer reachable"):
            gw.entry_point.version()
        assert time.monotonic() - t0 < 2.0
    finally:
        java_gateway.shutdown_gateway(gw, timeout=time_factor.scaled(5))


@pytest.mark.spec("GW-3.3")
def test_GW_3_3_shutdown_waits_for_the_jvm(gateway_classpath):
    gw = java_gateway.launch_gateway()
    t0 = time.monotonic()
    assert java_gateway.shutdown_gateway(gw) == 0
    assert time.monotonic() - t0 < 3
    assert gw.proc.returncode == 0


@pytest.mark.spec("GW-1.1", "GW-1.3")
def test_GW_1_1_pinned_mode_gives_each_python_thread_its_own_jvm_thread(gateway):
    import threading
    names = {}

    def record(key):
        first = gateway.jvm.java.lang.Thread.currentThread().getName()
        second = gateway.jvm.java.lang.Thread.currentThread().getName()
        names[key] = (first, second)

    record("main")
    t = threading.Thread(target=record, args=("other",))
    t.start()
    t.join(time_factor.scaled(30))
    assert names["main"][0] == names["main"][1]
    assert names["other"][0] == names["other"][1]
    assert names["main"][0] != names["other"][0]
