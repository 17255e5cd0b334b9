"""spark.eventLog.enabled through the real Kindling JVM: the log's place, its in-progress marker,
and task metrics whose values the job fixes (records = elements, bytes = files)."""
import json
import os
import textwrap

from gateway_helpers import run_python
from kindling.protocol import time_factor

DRIVER = textwrap.dedent("""
    import json, os, sys
    from kindling import SparkConf, SparkContext
    log_dir, work = sys.argv[1], sys.argv[2]
    conf = (SparkConf().setMaster("local[2]").setAppName("event-log-test")
            .set("spark.eventLog.enabled", "true").set("spark.eventLog.dir", "file:" + log_dir)
            .set("spark.eventLog.compress", "false").set("spark.ui.showConsoleProgress", "false"))
    sc = SparkContext(conf=conf)
    app = sc.applicationId
    marker = os.path.join(log_dir, "eventlog_v2_" + app, "appstatus_" + app + ".inprogress")
    in_progress = os.path.exists(marker)
    text = os.path.join(work, "in.txt")
    with open(text, "w") as f:
        f.write("".join("row %d\\n" % i for i in range(40)))
    assert sc.textFile(text, 1).map(lambda s: s.upper()).count() == 40
    sc.parallelize(["x", "yy"] * 6, 2).saveAsTextFile(os.path.join(work, "out"))
    sc.stop()
    print(json.dumps({"app": app, "in_progress": in_progress, "text_bytes": os.path.getsize(text)}))
""")


def test_event_log_records_the_jobs_and_their_metrics(gateway_classpath, tmp_path):
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    r = run_python(DRIVER.replace("sys.argv[1], sys.argv[2]", repr(str(log_dir)) + ", " + repr(str(work))),
                   timeout=time_factor.scaled(120))
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    app = out["app"]
    assert out["in_progress"], "appstatus_<app>.inprogress exists while the context runs"
    app_dir = log_dir / ("eventlog_v2_" + app)
    assert sorted(os.listdir(app_dir)) == ["appstatus_" + app, "events_1_" + app]
    events = [json.loads(line) for line in (app_dir / ("events_1_" + app)).read_text().splitlines()]
    kinds = [e["Event"] for e in events]
    assert kinds[:6] == ["SparkListenerLogStart", "SparkListenerResourceProfileAdded",
                         "SparkListenerExecutorAdded", "SparkListenerBlockManagerAdded",
                         "SparkListenerEnvironmentUpdate", "SparkListenerApplicationStart"]
    assert kinds[-1] == "SparkListenerApplicationEnd"
    start = events[5]
    assert (start["App ID"], start["App Name"]) == (app, "event-log-test")
    assert kinds.count("SparkListenerJobStart") == kinds.count("SparkListenerJobEnd") == 2
    ends = [e for e in events if e["Event"] == "SparkListenerTaskEnd"]
    assert [e["Task End Reason"]["Reason"] for e in ends] == ["Success"] * 3
    text_end = [e for e in ends if e["Task Metrics"]["Input Metrics"]["Records Read"]]
    assert len(text_end) == 1
    assert text_end[0]["Task Metrics"]["Input Metrics"] == {"Bytes Read": out["text_bytes"], "Records Read": 40}
    save_ends = [e for e in ends if e is not text_end[0]]
    parts = sorted(n for n in os.listdir(work / "out") if n.startswith("part-"))
    written = sorted(e["Task Metrics"]["Output Metrics"]["Records Written"] for e in save_ends)
    assert written == [6, 6]
    assert sum(e["Task Metrics"]["Output Metrics"]["Bytes Written"] for e in save_ends) == \
        sum(os.path.getsize(work / "out" / n) for n in parts)
    for e in ends:
        info = e["Task Info"]
        assert info["Locality"] == "PROCESS_LOCAL" and info["Executor ID"] == "driver"
        assert info["Launch Time"] <= info["Finish Time"]
