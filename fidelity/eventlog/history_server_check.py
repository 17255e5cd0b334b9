"""Apache Spark's own History Server reads Kindling's event logs and reports what Kindling ran.

    python fidelity/eventlog/history_server_check.py [--spark-venv DIR] [--kindling-python PY]
                                                     [--work DIR]

1. Runs ``eventlog_jobs.py`` on Kindling three times, into one log directory:
     plain  spark.eventLog.compress=false (rolling, Spark 4's default layout)
     zstd   Spark 4.2's defaults (rolling directory, events_1_<app>.zstd)
     lz4    compression codec lz4, rolling off (one file <app>.lz4)
2. Starts pip pyspark's HistoryServer (``bin/spark-class org.apache.spark.deploy.history.HistoryServer``)
   on a free loopback port with spark.history.fs.logDirectory at that directory; waits, bounded,
   until it lists all three applications.
3. For the plain run, rebuilds jobs, stages and tasks from the Kindling log lines and requires the
   History Server's REST API (/applications/<id>/jobs, /stages, /stages/<id>/<attempt>/taskList) to
   return exactly those: statuses, stage ids, task counts, and every task's metrics. It also checks
   what the program itself knows (10 jobs, their descriptions and outcomes, the 50 input lines per
   split and the bytes each split reads as Spark counts them, 30 output records and the part files'
   bytes, shuffle records written = read, one retried attempt, two failed, two killed).
4. For the zstd and lz4 runs, requires the same jobs, stages and task counts and the same record
   and byte metrics as the plain run (the programs are deterministic; times are not compared).
Kills the History Server at the end. Exit status 0 only if every check passed.

Timeouts scale with KINDLING_TIME_FACTOR (default 1).
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FACTOR = float(os.environ.get("KINDLING_TIME_FACTOR", "1") or 1)
DESCRIPTIONS = ["map", "shuffle", "shuffle-reused", "cache", "cache", "retry", "failed", "text", "save", "cancelled"]
JOB_STATUSES = ["SUCCEEDED"] * 6 + ["FAILED", "SUCCEEDED", "SUCCEEDED", "FAILED"]


class CheckFailed(Exception):
    pass


def log(msg):
    print("[history-server-check] %s" % msg, file=sys.stderr, flush=True)


def expect(cond, what):
    if not cond:
        raise CheckFailed(what)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_kindling(py, log_dir, work, codec, no_rolling, name):
    summary = os.path.join(work, name + "-summary.json")
    cmd = [py, os.path.join(HERE, "eventlog_jobs.py"), "--impl", "kindling", "--log-dir", log_dir,
           "--work", os.path.join(work, name), "--summary", summary, "--app-name", "eventlog-" + name]
    if codec:
        cmd += ["--codec", codec]
    if no_rolling:
        cmd.append("--no-rolling")
    out = os.path.join(work, name + ".log")
    with open(out, "w") as f:
        rc = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=300 * FACTOR).returncode
    if rc != 0:
        with open(out) as f:
            sys.stderr.write(f.read()[-4000:])
        raise CheckFailed("the %s Kindling run failed (exit %d), see %s" % (name, rc, out))
    with open(summary) as f:
        return json.load(f)


# -- the Kindling log, read back ------------------------------------------------------------------

def read_plain_log(log_dir, app_id):
    d = os.path.join(log_dir, "eventlog_v2_" + app_id)
    files = sorted((n for n in os.listdir(d) if n.startswith("events_")),
                   key=lambda n: int(n.split("_")[1]))
    expect(files and all("." not in n for n in files), "plain run: uncompressed events_N files in %s" % d)
    expect(os.path.exists(os.path.join(d, "appstatus_" + app_id)),
           "plain run: appstatus file renamed (no .inprogress) at stop")
    events = []
    for n in files:
        with open(os.path.join(d, n), encoding="utf-8") as f:
            events += [json.loads(line) for line in f if line.strip()]
    return events


def rest_date(ms):
    """Epoch milliseconds as Spark's REST API writes dates: 2026-12-06T07:36:42.069GMT."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + ".%03dGMT" % (ms % 1000)


def model_from_log(events):
    """Jobs, stage attempts and tasks as the History Server should report them."""
    jobs, stages, tasks, stage_job = {}, {}, {}, {}
    for e in events:
        kind = e["Event"]
        if kind == "SparkListenerJobStart":
            props = e.get("Properties", {})
            jobs[e["Job ID"]] = {"jobId": e["Job ID"], "stageIds": sorted(e["Stage IDs"]),
                                 "description": props.get("spark.job.description"),
                                 "jobGroup": props.get("spark.jobGroup.id"),
                                 "numCompletedTasks": 0, "numFailedTasks": 0, "numKilledTasks": 0}
            for s in e["Stage IDs"]:
                stage_job[s] = e["Job ID"]
            # A listed stage that is never submitted before the job ends was skipped (its map output
            # existed); the History Server shows it as SKIPPED, as Spark's UI does.
            for info in e["Stage Infos"]:
                stages.setdefault((info["Stage ID"], info["Stage Attempt ID"]), {
                    "numTasks": info["Number of Tasks"], "numCompleteTasks": 0, "numFailedTasks": 0,
                    "numKilledTasks": 0, "name": info["Stage Name"],
                    "rddIds": sorted(r["RDD ID"] for r in info["RDD Info"]), "status": "PENDING"})
        elif kind == "SparkListenerJobEnd":
            jobs[e["Job ID"]]["status"] = ("SUCCEEDED" if e["Job Result"]["Result"] == "JobSucceeded"
                                           else "FAILED")
            for sid in jobs[e["Job ID"]]["stageIds"]:
                for key, st in stages.items():
                    if key[0] == sid and st["status"] == "PENDING":
                        st["status"] = "SKIPPED"
        elif kind == "SparkListenerStageSubmitted":
            info = e["Stage Info"]
            stages[(info["Stage ID"], info["Stage Attempt ID"])] = {
                "numTasks": info["Number of Tasks"], "numCompleteTasks": 0, "numFailedTasks": 0,
                "numKilledTasks": 0, "name": info["Stage Name"],
                "rddIds": sorted(r["RDD ID"] for r in info["RDD Info"]), "status": "ACTIVE"}
        elif kind == "SparkListenerStageCompleted":
            info = e["Stage Info"]
            stages[(info["Stage ID"], info["Stage Attempt ID"])]["status"] = (
                "FAILED" if "Failure Reason" in info else "COMPLETE")
        elif kind == "SparkListenerTaskEnd":
            info, m = e["Task Info"], e["Task Metrics"]
            reason = e["Task End Reason"]["Reason"]
            status = {"Success": "SUCCESS", "TaskKilled": "KILLED"}.get(reason, "FAILED")
            key = (e["Stage ID"], e["Stage Attempt ID"])
            field = {"SUCCESS": "numCompleteTasks", "FAILED": "numFailedTasks", "KILLED": "numKilledTasks"}
            stages[key][field[status]] += 1
            jobs[stage_job[e["Stage ID"]]][{"SUCCESS": "numCompletedTasks", "FAILED": "numFailedTasks",
                                            "KILLED": "numKilledTasks"}[status]] += 1
            sr, sw = m["Shuffle Read Metrics"], m["Shuffle Write Metrics"]
            tasks[info["Task ID"]] = {
                "stage": key, "index": info["Index"], "attempt": info["Attempt"],
                "partitionId": info["Partition ID"], "launchTime": rest_date(info["Launch Time"]),
                "duration": info["Finish Time"] - info["Launch Time"], "status": status,
                "taskLocality": info["Locality"], "executorId": info["Executor ID"],
                "metrics": {
                    "executorDeserializeTime": m["Executor Deserialize Time"],
                    "executorDeserializeCpuTime": m["Executor Deserialize CPU Time"],
                    "executorRunTime": m["Executor Run Time"],
                    "executorCpuTime": m["Executor CPU Time"],
                    "resultSize": m["Result Size"],
                    "jvmGcTime": m["JVM GC Time"],
                    "memoryBytesSpilled": m["Memory Bytes Spilled"],
                    "diskBytesSpilled": m["Disk Bytes Spilled"],
                    "peakExecutionMemory": m["Peak Execution Memory"],
                    "inputMetrics": {"bytesRead": m["Input Metrics"]["Bytes Read"],
                                     "recordsRead": m["Input Metrics"]["Records Read"]},
                    "outputMetrics": {"bytesWritten": m["Output Metrics"]["Bytes Written"],
                                      "recordsWritten": m["Output Metrics"]["Records Written"]},
                    "shuffleReadMetrics": {"localBlocksFetched": sr["Local Blocks Fetched"],
                                           "localBytesRead": sr["Local Bytes Read"],
                                           "recordsRead": sr["Total Records Read"],
                                           "remoteBytesRead": sr["Remote Bytes Read"]},
                    "shuffleWriteMetrics": {"bytesWritten": sw["Shuffle Bytes Written"],
                                            "writeTime": sw["Shuffle Write Time"],
                                            "recordsWritten": sw["Shuffle Records Written"]},
                }}
    return jobs, stages, tasks


# -- the History Server ---------------------------------------------------------------------------

class HistoryServer:
    def __init__(self, spark_venv, log_dir, work):
        site = [os.path.join(spark_venv, "lib", d, "site-packages", "pyspark")
                for d in os.listdir(os.path.join(spark_venv, "lib")) if d.startswith("python")]
        self.spark_home = next((s for s in site if os.path.isdir(s)), None)
        expect(self.spark_home, "no pyspark package in %s" % spark_venv)
        self.port = free_port()
        conf = os.path.join(work, "history-server.conf")
        with open(conf, "w") as f:
            f.write("spark.history.fs.logDirectory file:%s\n" % os.path.abspath(log_dir))
            f.write("spark.history.ui.port %d\n" % self.port)
            f.write("spark.history.fs.update.interval 1s\n")
        env = dict(os.environ, SPARK_HOME=self.spark_home, SPARK_LOCAL_IP="127.0.0.1",
                   PATH=os.path.join(spark_venv, "bin") + os.pathsep + os.environ.get("PATH", ""))
        for k in ("PYSPARK_GATEWAY_PORT", "PYSPARK_GATEWAY_SECRET", "SPARK_CONF_DIR"):
            env.pop(k, None)
        self.out = open(os.path.join(work, "history-server.log"), "w")
        self.proc = subprocess.Popen(
            [os.path.join(self.spark_home, "bin", "spark-class"),
             "org.apache.spark.deploy.history.HistoryServer", "--properties-file", conf],
            stdout=self.out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.base = "http://127.0.0.1:%d/api/v1" % self.port

    def get(self, path):
        with urllib.request.urlopen(self.base + path, timeout=60 * FACTOR) as r:
            return json.loads(r.read().decode("utf-8"))

    def wait_for(self, app_ids):
        deadline = time.monotonic() + 180 * FACTOR
        listed = set()
        while time.monotonic() < deadline:
            expect(self.proc.poll() is None, "the History Server exited with %s" % self.proc.poll())
            try:
                listed = {a["id"] for a in self.get("/applications")}
                if set(app_ids) <= listed:
                    return
            except (urllib.error.URLError, ConnectionError, OSError, ValueError):
                pass
            time.sleep(0.5)
        raise CheckFailed("the History Server did not list %s within the deadline (listed: %s)"
                          % (sorted(set(app_ids) - listed), sorted(listed)))

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30 * FACTOR)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(30 * FACTOR)
        self.out.close()


def server_view(hs, app_id):
    jobs = sorted(hs.get("/applications/%s/jobs" % app_id), key=lambda j: j["jobId"])
    stages = sorted(hs.get("/applications/%s/stages" % app_id), key=lambda s: (s["stageId"], s["attemptId"]))
    tasks = {}
    for s in stages:
        for t in hs.get("/applications/%s/stages/%d/%d/taskList?length=100000"
                        % (app_id, s["stageId"], s["attemptId"])):
            t["stage"] = (s["stageId"], s["attemptId"])
            tasks[t["taskId"]] = t
    return jobs, stages, tasks


def pick(d, keys):
    return {k: d.get(k) for k in keys}


def compare_with_log(app_id, model, view):
    jobs, stages, tasks = model
    hs_jobs, hs_stages, hs_tasks = view
    expect([j["jobId"] for j in hs_jobs] == sorted(jobs), "%s: job ids %s, log has %s"
           % (app_id, [j["jobId"] for j in hs_jobs], sorted(jobs)))
    for j in hs_jobs:
        mine = jobs[j["jobId"]]
        got = pick(j, mine.keys())
        got["stageIds"] = sorted(got["stageIds"])
        expect(got == mine, "%s job %d: History Server %s, Kindling log %s" % (app_id, j["jobId"], got, mine))
    expect(sorted((s["stageId"], s["attemptId"]) for s in hs_stages) == sorted(stages),
           "%s: stage attempts %s, log has %s" % (app_id, [(s["stageId"], s["attemptId"]) for s in hs_stages],
                                                   sorted(stages)))
    for s in hs_stages:
        mine = stages[(s["stageId"], s["attemptId"])]
        got = pick(s, mine.keys())
        got["rddIds"] = sorted(got["rddIds"] or [])
        expect(got == mine, "%s stage %d.%d: History Server %s, Kindling log %s"
               % (app_id, s["stageId"], s["attemptId"], got, mine))
    expect(sorted(hs_tasks) == sorted(tasks), "%s: task ids differ: History Server %s, log %s"
           % (app_id, sorted(hs_tasks), sorted(tasks)))
    for tid, mine in tasks.items():
        t = hs_tasks[tid]
        got = pick(t, [k for k in mine if k != "metrics"])
        got["stage"] = tuple(got["stage"])
        want = {k: v for k, v in mine.items() if k != "metrics"}
        expect(got == want, "%s task %d: History Server %s, Kindling log %s" % (app_id, tid, got, want))
        hm = t.get("taskMetrics")
        expect(hm is not None, "%s task %d: no taskMetrics from the History Server" % (app_id, tid))
        for k, v in mine["metrics"].items():
            g = pick(hm[k], v.keys()) if isinstance(v, dict) else hm[k]
            expect(g == v, "%s task %d %s: History Server %s, Kindling log %s" % (app_id, tid, k, g, v))
    # Stage totals the History Server sums itself from the tasks.
    for s in hs_stages:
        ts = [t for t in tasks.values() if t["stage"] == (s["stageId"], s["attemptId"])]
        for field, get in [("inputRecords", lambda m: m["inputMetrics"]["recordsRead"]),
                           ("inputBytes", lambda m: m["inputMetrics"]["bytesRead"]),
                           ("outputRecords", lambda m: m["outputMetrics"]["recordsWritten"]),
                           ("shuffleWriteRecords", lambda m: m["shuffleWriteMetrics"]["recordsWritten"]),
                           ("shuffleReadRecords", lambda m: m["shuffleReadMetrics"]["recordsRead"])]:
            expect(s[field] == sum(get(t["metrics"]) for t in ts),
                   "%s stage %d %s: %s" % (app_id, s["stageId"], field, s[field]))


def check_program_facts(app_id, summary, view):
    """What the program itself implies, whatever Kindling logged."""
    jobs, stages, tasks = view
    expect([j.get("description") for j in jobs] == DESCRIPTIONS,
           "%s: job descriptions %s" % (app_id, [j.get("description") for j in jobs]))
    expect([j["status"] for j in jobs] == JOB_STATUSES, "%s: job statuses %s" % (app_id, [j["status"] for j in jobs]))
    expect([len(j["stageIds"]) for j in jobs] == [1, 2, 2, 1, 1, 1, 1, 1, 1, 1],
           "%s: stages per job %s" % (app_id, [len(j["stageIds"]) for j in jobs]))
    by = {d: j for d, j in zip(DESCRIPTIONS, jobs)}
    expect(by["map"]["numCompletedTasks"] == 4 and by["shuffle"]["numCompletedTasks"] == 7,
           "%s: map/shuffle task counts %s" % (app_id, [by["map"], by["shuffle"]]))
    reused = by["shuffle-reused"]
    expect((reused["numSkippedStages"], reused["numSkippedTasks"], reused["numCompletedTasks"]) == (1, 4, 3)
           and not set(reused["stageIds"]) & set(by["shuffle"]["stageIds"]),
           "%s: the reused shuffle's map stage is skipped: %s" % (app_id, reused))
    expect((by["retry"]["numCompletedTasks"], by["retry"]["numFailedTasks"]) == (2, 1),
           "%s: retry job counts %s" % (app_id, by["retry"]))
    expect(by["failed"]["numFailedTasks"] == 2, "%s: failed job counts %s" % (app_id, by["failed"]))
    expect(by["cancelled"]["numKilledTasks"] == 2 and by["cancelled"]["jobGroup"] == "to-cancel",
           "%s: cancelled job %s" % (app_id, by["cancelled"]))

    def stage_of(job):
        return [s for s in stages if s["stageId"] in job["stageIds"]]

    text = stage_of(by["text"])
    expect(len(text) == 1, "%s: text job stages %s" % (app_id, text))
    size = summary["textFile"]["bytes"]
    # (As Spark: the skipped map stage has a new id; the one that ran stays COMPLETE.)
    # Two splits [0, size/2) and [size/2, size). As Hadoop's LineRecordReader (and Spark 4.2.1, measured on
    # this file: 26 + 24 records, 390 + 195 bytes): a split owns the lines that start at or before its
    # end, the second skips its first partial line, and each reads from its start to the end of a
    # small file through its buffer.
    half = size // 2
    starts, pos = [], 0
    with open(summary["textFile"]["path"], "rb") as f:
        for line in f:
            starts.append(pos)
            pos += len(line)
    want_records = sorted([sum(1 for p in starts if p <= half), sum(1 for p in starts if p > half)])
    text_tasks = [t for t in tasks.values() if t["stage"] == (text[0]["stageId"], text[0]["attemptId"])]
    got_records = sorted(t["taskMetrics"]["inputMetrics"]["recordsRead"] for t in text_tasks)
    expect(got_records == want_records and text[0]["inputRecords"] == summary["textFile"]["lines"],
           "%s: textFile records per split %s, expected %s" % (app_id, got_records, want_records))
    expect(text[0]["inputBytes"] == size + (size - half),
           "%s: textFile input bytes %d, expected %d" % (app_id, text[0]["inputBytes"], size + size - half))
    save = stage_of(by["save"])
    expect(sum(s["outputRecords"] for s in save) == summary["saved"]["records"]
           and sum(s["outputBytes"] for s in save) == summary["saved"]["bytes"],
           "%s: save output %s, files have %s" % (app_id, [pick(s, ["outputRecords", "outputBytes"]) for s in save],
                                                 summary["saved"]))
    shuffle = [s for s in stage_of(by["shuffle"]) if s["status"] == "COMPLETE"]
    written = sum(s["shuffleWriteRecords"] for s in shuffle)
    expect(written > 0 and written == sum(s["shuffleReadRecords"] for s in shuffle)
           and sum(s["shuffleWriteBytes"] for s in shuffle) == sum(s["shuffleReadBytes"] for s in shuffle),
           "%s: shuffle written/read %s" % (app_id, [pick(s, ["shuffleWriteRecords", "shuffleReadRecords",
                                                             "shuffleWriteBytes", "shuffleReadBytes"]) for s in shuffle]))
    expect(all(t["taskLocality"] == "PROCESS_LOCAL" and t["executorId"] == "driver" for t in tasks.values()),
           "%s: task locality/executor" % app_id)
    statuses = sorted(t["status"] for t in tasks.values())
    expect(statuses.count("KILLED") >= 2 and statuses.count("FAILED") == 3,
           "%s: task statuses %s" % (app_id, statuses))


def deterministic(view):
    """The parts of a run that do not depend on time or ids: for comparing runs."""
    jobs, stages, tasks = view
    keep_job = ["description", "status", "numTasks", "numCompletedTasks", "numFailedTasks", "numKilledTasks",
                "numSkippedTasks", "numCompletedStages", "numSkippedStages", "numFailedStages"]
    keep_stage = ["status", "numTasks", "numCompleteTasks", "numFailedTasks", "inputBytes", "inputRecords",
                  "outputBytes", "outputRecords", "shuffleReadBytes", "shuffleReadRecords", "shuffleWriteBytes",
                  "shuffleWriteRecords"]
    return ([pick(j, keep_job) for j in jobs], [pick(s, keep_stage) for s in stages], len(tasks))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spark-venv", default=os.environ.get("FIDELITY_VENV", os.path.join(ROOT, "fidelity", ".venv-4.2.1")))
    ap.add_argument("--kindling-python", default=os.path.join(ROOT, ".venv", "bin", "python"))
    ap.add_argument("--work", help="work directory (default: a fresh temporary one, removed on success)")
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="kindling-hs-check-")
    os.makedirs(work, exist_ok=True)
    log_dir = os.path.join(work, "logs")
    os.makedirs(log_dir, exist_ok=True)
    hs = None
    try:
        runs = {}
        for name, codec, no_rolling in [("plain", "none", False), ("zstd", None, False), ("lz4", "lz4", True)]:
            log("Kindling run '%s'" % name)
            runs[name] = run_kindling(args.kindling_python, log_dir, work, codec, no_rolling, name)
        ids = {n: s["applicationId"] for n, s in runs.items()}
        expect(os.path.isfile(os.path.join(log_dir, "eventlog_v2_" + ids["zstd"], "events_1_%s.zstd" % ids["zstd"])),
               "zstd run: events_1_<app>.zstd in eventlog_v2_<app> (Spark 4.2's default layout)")
        expect(os.path.isfile(os.path.join(log_dir, ids["lz4"] + ".lz4")), "lz4 run: single file <app>.lz4")
        expect(not any(n.endswith(".inprogress") for _, _, fs in os.walk(log_dir) for n in fs),
               "no .inprogress file left after the contexts stopped")
        log("starting the History Server of %s" % args.spark_venv)
        hs = HistoryServer(args.spark_venv, log_dir, work)
        hs.wait_for(list(ids.values()))
        log("it lists %s" % sorted(ids.values()))
        apps = {a["id"]: a for a in hs.get("/applications")}
        for n, i in ids.items():
            expect(apps[i]["attempts"][0]["completed"] is True, "%s: application not completed" % n)
            expect(apps[i]["name"] == "eventlog-" + n, "%s: application name %s" % (n, apps[i]["name"]))
        views = {n: server_view(hs, i) for n, i in ids.items()}
        plain = read_plain_log(log_dir, ids["plain"])
        compare_with_log(ids["plain"], model_from_log(plain), views["plain"])
        for n in ids:
            check_program_facts(ids[n], runs[n], views[n])
        for n in ("zstd", "lz4"):
            expect(deterministic(views[n]) == deterministic(views["plain"]),
                   "%s run: History Server reports %s, plain run %s" % (n, deterministic(views[n]),
                                                                       deterministic(views["plain"])))
        jobs, stages, tasks = views["plain"]
        log("OK: %d applications; plain run: %d jobs, %d stage attempts, %d tasks equal to Kindling's log"
            % (len(ids), len(jobs), len(stages), len(tasks)))
    except CheckFailed as e:
        log("FAILED: %s (work files in %s)" % (e, work))
        return 1
    finally:
        if hs is not None:
            hs.stop()
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
