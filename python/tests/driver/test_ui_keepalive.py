"""spark.ui.keepAliveSeconds / KINDLING_UI_KEEPALIVE_SECONDS: stop() holds the UI open first."""
import io
import subprocess
import sys
import time

import pytest

from kindling.ui import hold_ui_open, keep_alive_seconds
from ui_helpers import deadline, get
from kindling.protocol import time_factor


def test_keep_alive_seconds_reads_env_then_conf():
    assert keep_alive_seconds(None, {}) == 0
    assert keep_alive_seconds("3", {}) == 3
    assert keep_alive_seconds("3", {"KINDLING_UI_KEEPALIVE_SECONDS": "1.5"}) == 1.5
    with pytest.raises(ValueError, match="KINDLING_UI_KEEPALIVE_SECONDS must be a non-negative number"):
        keep_alive_seconds(None, {"KINDLING_UI_KEEPALIVE_SECONDS": "soon"})
    with pytest.raises(ValueError, match="spark.ui.keepAliveSeconds"):
        keep_alive_seconds("-1", {})


def test_hold_waits_on_its_clock_and_says_where():
    now = [0.0]
    out = io.StringIO()
    hold_ui_open("http://127.0.0.1:4040", 2, out, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    assert now[0] >= 2 and "http://127.0.0.1:4040" in out.getvalue() and "2 s" in out.getvalue()
    out = io.StringIO()
    hold_ui_open(None, 5, out)
    assert out.getvalue() == ""


def test_the_ui_answers_while_a_finished_app_keeps_it_open(backend, tmp_path, repo_root):
    if backend != "jvm":
        pytest.skip("the web UI is the JVM's")
    script = tmp_path / "app.py"
    script.write_text(
        "from kindling import SparkConf, SparkContext\n"
        "sc = SparkContext(conf=SparkConf().setMaster('local[1]').setAppName('keep')"
        ".set('spark.ui.port', '0').set('spark.ui.showConsoleProgress', 'false'))\n"
        "print(sc.parallelize(range(10)).count(), flush=True)\n"
        "sc.stop()\n")
    env = dict(__import__("os").environ, KINDLING_UI_KEEPALIVE_SECONDS="30")
    p = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                         text=True)
    try:
        url = None
        end = deadline(60)
        while time.monotonic() < end and url is None:
            line = p.stderr.readline()
            if "stays open at" in line:
                url = line.split("stays open at ")[1].split()[0]
        assert url, "no keep-alive line on stderr"
        status, _, body = get(url + "/api/v1/applications/")
        assert status == 200 and '"keep"' in body
        jobs = get(url + "/jobs/")[2]
        assert "Completed Jobs (1)" in jobs
    finally:
        p.terminate()
        p.wait(time_factor.scaled(30))
