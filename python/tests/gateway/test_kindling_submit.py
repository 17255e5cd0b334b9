"""bin/kindling-submit: JVM-first mode (the role of ``spark-submit app.py``)."""
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from gateway_helpers import pid_gone, wait_until
from kindling.protocol import time_factor

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
SUBMIT = os.path.join(REPO, "bin", "kindling-submit")


def submit_env():
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
    env.pop("PYSPARK_GATEWAY_PORT", None)
    env.pop("PYSPARK_GATEWAY_SECRET", None)
    return env


def write_app(tmp_path, body):
    app = tmp_path / "app.py"
    app.write_text(textwrap.dedent(body))
    return str(app)


@pytest.mark.spec("CONN-1.1")
def test_CONN_1_1_submit_runs_app_attached_and_propagates_exit_code(gateway_classpath, tmp_path):
    app = write_app(tmp_path, """
        import os, sys
        import kindling.java_gateway as g
        gw = g.launch_gateway()
        print(gw.proc, gw.entry_point.protocolProfile(), sys.argv[1:], flush=True)
        assert "_PYSPARK_DRIVER_CONN_INFO_PATH" not in os.environ
        sys.exit(int(sys.argv[1]))
    """)
    done = subprocess.run([SUBMIT, app, "7", "two words"], env=submit_env(), capture_output=True,
                          text=True, timeout=time_factor.scaled(60))
    assert done.returncode == 7, done.stderr
    assert done.stdout.strip() == "None spark-4.2 ['7', 'two words']"


def test_submit_secret_not_on_command_line(gateway_classpath, tmp_path):
    app = write_app(tmp_path, """
        import os
        secret = os.environ["PYSPARK_GATEWAY_SECRET"]
        jvm = os.getppid()
        with open("/proc/%d/cmdline" % jvm, "rb") as f:
            print(secret.encode() in f.read())
    """)
    done = subprocess.run([SUBMIT, app], env=submit_env(), capture_output=True, text=True,
                          timeout=time_factor.scaled(60))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_submit_sigterm_stops_jvm_and_app(gateway_classpath, tmp_path):
    app = write_app(tmp_path, """
        import os, time
        import kindling.java_gateway as g
        g.launch_gateway().entry_point.version()
        print(os.getpid(), flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([SUBMIT, app], env=submit_env(), stdout=subprocess.PIPE, text=True)
    try:
        app_pid = int(proc.stdout.readline())
        proc.send_signal(signal.SIGTERM)  # the script exec'd java: this is the JVM
        assert proc.wait(timeout=time_factor.scaled(5)) != 0
        assert wait_until(lambda: pid_gone(app_pid), 2.0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=time_factor.scaled(5))
        proc.stdout.close()


def test_submit_jvm_sigkill_app_exits(gateway_classpath, tmp_path):
    app = write_app(tmp_path, """
        import os, time
        import kindling.java_gateway as g
        g.launch_gateway().entry_point.version()
        print(os.getpid(), flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([SUBMIT, app], env=submit_env(), stdout=subprocess.PIPE, text=True)
    try:
        app_pid = int(proc.stdout.readline())
        proc.kill()
        proc.wait(timeout=time_factor.scaled(5))
        assert wait_until(lambda: pid_gone(app_pid), 2.0), "app orphaned after the JVM was killed"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=time_factor.scaled(5))
        proc.stdout.close()


def test_submit_app_killed_by_signal_exit_status_128_plus_signal(gateway_classpath, tmp_path):
    app = write_app(tmp_path, """
        import os, signal
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    done = subprocess.run([SUBMIT, app], env=submit_env(), capture_output=True, text=True,
                          timeout=time_factor.scaled(60))
    assert done.returncode == 128 + signal.SIGKILL


def test_submit_missing_app_argument_is_usage_error():
    done = subprocess.run([SUBMIT], env=submit_env(), capture_output=True, text=True, timeout=time_factor.scaled(30))
    assert done.returncode == 2
    assert "usage" in done.stderr


def test_submit_ctrl_c_to_process_group_stops_both(gateway_classpath, tmp_path):
    app = write_app(tmp_path, """
        import os, time
        import kindling.java_gateway as g
        g.launch_gateway().entry_point.version()
        print(os.getpid(), flush=True)
        time.sleep(60)
    """)
    # A background job of a non-interactive shell (nohup ... &, some CI runners) inherits SIGINT
    # ignored, and neither the JVM nor Python then handles it; a terminal's foreground job has the
    # default disposition, which is what this test is about.
    proc = subprocess.Popen([SUBMIT, app], env=submit_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        app_pid = int(proc.stdout.readline())
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        assert proc.wait(timeout=time_factor.scaled(5)) != 0
        assert wait_until(lambda: pid_gone(app_pid), 2.0)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=time_factor.scaled(5))
        proc.stdout.close()
