"""The web UI's monitoring REST API (/api/v1, Spark 4.2's paths, fields and errors) and the status
tracker, driven by real jobs on the Kindling JVM: map, shuffle, cached RDD, failed task, retried
task, cancelled job. Shapes are checked against python/tests/data/spark_api_v1_shapes_4.2.1.json,
derived from Spark 4.2.1 itself by fidelity/ui/derive_api_shapes.py."""
import json
import os
import socket
import threading

import pytest

from ui_helpers import api, get, get_json, shape_errors, wait_for, wait_jobs_done
from kindling.protocol import time_factor

FIXTURE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data",
                       "spark_api_v1_shapes_4.2.1.json")


@pytest.fixture
def jvm_context(backend, own_context):
    if backend != "jvm":
        pytest.skip("the web UI is the JVM's")

    def make(**conf):
        conf.setdefault("spark.ui.port", "0")
        return own_context(**conf)

    return make


@pytest.fixture(scope="module")
def spark_shapes():
    with open(FIXTURE) as f:
        return json.load(f)


def run_reference_jobs(sc):
    """The jobs derive_api_shapes.py runs on Spark: a shuffle (job 0: stages 0, 1), a cached map
    (job 1: stage 2) and a failed task (job 2: stage 3)."""
    def _boom(x):
        raise ValueError("boom %d" % x)

    assert sorted(sc.parallelize(range(100), 4).map(lambda x: (x % 3, x)).reduceByKey(lambda a, b: a + b).collect()) \
        == [(0, 1683), (1, 1617), (2, 1650)]
    cached = sc.parallelize(range(50), 2).map(lambda x: x * 2).cache()
    assert cached.count() == 50
    with pytest.raises(Exception, match="boom"):
        sc.parallelize([1], 1).map(_boom).collect()
    return cached


def test_every_endpoint_has_sparks_shape(jvm_context, spark_shapes):
    sc = jvm_context(master="local[2]")
    run_reference_jobs(sc)
    wait_jobs_done(sc, 3)
    base = sc.uiWebUrl + "/api/v1/"
    optional = set(spark_shapes["optionalFields"])
    checked = 0
    rdd_id = get_json(api(sc) + "/storage/rdd")[0]["id"]
    for name, ep in spark_shapes["endpoints"].items():
        path = ep["path"].replace("{app}", sc.applicationId)
        if name == "rdd":
            path = "applications/%s/storage/rdd/%d" % (sc.applicationId, rdd_id)
        status, ctype, body = get(base + path)
        assert status == ep["status"], (name, path, status, body)
        if "error" in ep:
            assert ctype.startswith("text/plain"), (name, ctype)
            if name != "unknownApp":
                assert body.strip() == ep["error"], (name, body)
        else:
            errors = shape_errors(json.loads(body), ep["shape"], optional)
            assert not errors, (name, errors[:20])
        checked += 1
    assert checked == len(spark_shapes["endpoints"]) >= 17


def test_jobs_stages_and_tasks_report_the_jobs_that_ran(jvm_context):
    sc = jvm_context(master="local[2]")
    run_reference_jobs(sc)
    jobs = wait_jobs_done(sc, 3)
    base = api(sc)
    assert [j["jobId"] for j in jobs] == [2, 1, 0]
    assert [j["status"] for j in jobs] == ["FAILED", "SUCCEEDED", "SUCCEEDED"]
    shuffle = get_json(base + "/jobs/0")
    assert shuffle["stageIds"] == [0, 1] and shuffle["numTasks"] == 8 and shuffle["numCompletedTasks"] == 8
    assert shuffle["numCompletedStages"] == 2 and shuffle["numCompletedIndices"] == 8
    assert get_json(base + "/jobs/2")["numFailedTasks"] >= 1
    stages = {(s["stageId"], s["attemptId"]): s for s in get_json(base + "/stages")}
    assert stages[(0, 0)]["shuffleWriteRecords"] == 4 * 3 and stages[(1, 0)]["shuffleReadRecords"] == 12
    assert stages[(0, 0)]["shuffleWriteBytes"] == stages[(1, 0)]["shuffleReadBytes"] > 0
    assert stages[(3, 0)]["status"] == "FAILED" and "boom 1" in stages[(3, 0)]["failureReason"]
    attempts = get_json(base + "/stages/1")
    assert [a["attemptId"] for a in attempts] == [0] and len(attempts[0]["tasks"]) == 4
    attempt = get_json(base + "/stages/1/0")
    assert attempt["executorSummary"]["driver"]["succeededTasks"] == 4
    tasks = get_json(base + "/stages/0/0/taskList")
    assert sorted(t["index"] for t in tasks) == [0, 1, 2, 3]
    assert all(t["status"] == "SUCCESS" and t["taskLocality"] == "PROCESS_LOCAL" and t["duration"] >= 0
               for t in tasks)
    assert sum(t["taskMetrics"]["shuffleWriteMetrics"]["recordsWritten"] for t in tasks) == 12
    failed = get_json(base + "/stages/3/0/taskList")
    assert failed and failed[0]["status"] == "FAILED" and "boom 1" in failed[0]["errorMessage"]
    rdds = get_json(base + "/storage/rdd")
    assert len(rdds) == 1 and rdds[0]["numCachedPartitions"] == 2 and rdds[0]["memoryUsed"] > 0
    assert rdds[0]["storageLevel"] == "Memory Serialized 1x Replicated"
    assert [p["blockName"] for p in rdds[0]["partitions"]] == ["rdd_%d_0" % rdds[0]["id"], "rdd_%d_1" % rdds[0]["id"]]
    ex = get_json(base + "/executors")
    assert [e["id"] for e in ex] == ["driver"] and ex[0]["completedTasks"] == 10 and ex[0]["totalCores"] == 2
    assert ex[0]["failedTasks"] >= 1 and ex[0]["totalTasks"] == 10 + ex[0]["failedTasks"]
    env = get_json(base + "/environment")
    props = dict(env["sparkProperties"])
    assert props["spark.app.id"] == sc.applicationId and props["spark.master"] == "local[2]"
    app = get_json(sc.uiWebUrl + "/api/v1/applications")
    assert [a["id"] for a in app] == [sc.applicationId] and app[0]["attempts"][0]["completed"] is False


def test_a_retried_task_shows_both_attempts(jvm_context):
    sc = jvm_context(master="local[2,2]")

    def _fail_first_attempt(x):
        from kindling import TaskContext

        if TaskContext.get().attemptNumber() == 0 and x == 1:
            raise RuntimeError("first attempt fails")
        return x

    assert sc.parallelize([0, 1], 2).map(_fail_first_attempt).collect() == [0, 1]
    wait_jobs_done(sc, 1)
    tasks = get_json(api(sc) + "/stages/0/0/taskList")
    by = sorted((t["index"], t["attempt"], t["status"]) for t in tasks)
    assert by == [(0, 0, "SUCCESS"), (1, 0, "FAILED"), (1, 1, "SUCCESS")]
    stage = get_json(api(sc) + "/stages/0/0")
    assert stage["numFailedTasks"] == 1 and stage["numCompleteTasks"] == 2 and stage["status"] == "COMPLETE"
    assert get_json(api(sc) + "/jobs/0")["status"] == "SUCCEEDED"


def test_a_cancelled_job_is_failed_with_killed_tasks(jvm_context):
    sc = jvm_context(master="local[2]")
    started = threading.Event()
    errors = []

    def run():
        sc.setJobGroup("slow", "to be cancelled", True)
        try:
            sc.parallelize(range(2), 2).map(lambda x: __import__("time").sleep(60)).collect()
        except Exception as e:  # the cancellation
            errors.append(e)

    t = threading.Thread(target=run)
    t.start()
    wait_for(lambda: get_json(api(sc) + "/stages?status=active"), "an active stage")
    wait_for(lambda: get_json(api(sc) + "/jobs/0")["numActiveTasks"] == 2, "two running tasks")
    sc.cancelJobGroup("slow")
    t.join(time_factor.scaled(60))
    assert errors and not t.is_alive()
    job = wait_for(lambda: (lambda j: j if j["status"] != "RUNNING" and j["numKilledTasks"] == 2 else None)(
        get_json(api(sc) + "/jobs/0")), "the cancelled job")
    assert job["status"] == "FAILED" and job["jobGroup"] == "slow" and job["numActiveTasks"] == 0
    assert sum(job["killedTasksSummary"].values()) == 2
    tasks = get_json(api(sc) + "/stages/0/0/taskList")
    assert sorted(t["status"] for t in tasks) == ["KILLED", "KILLED"]
    assert sc.statusTracker().getJobInfo(0).status == "FAILED"
    assert sc.statusTracker().getJobIdsForGroup("slow") == [0]


def test_unknown_ids_get_sparks_404_text(jvm_context):
    sc = jvm_context(master="local[1]")
    sc.parallelize([1, 2], 2).count()
    wait_jobs_done(sc, 1)
    base = api(sc)
    cases = {
        "/jobs/99": "unknown job: 99",
        "/stages/99": "unknown stage: 99",
        "/stages/0/7": "unknown attempt for stage 0.  Found attempts: [0]",
        "/storage/rdd/5": "no rdd found w/ id 5",
    }
    for path, message in cases.items():
        status, ctype, body = get(base + path)
        assert (status, ctype.split(";")[0], body) == (404, "text/plain", message), path
    status, _, body = get(sc.uiWebUrl + "/api/v1/applications/app-nope/jobs")
    assert (status, body) == (404, "no such app: app-nope")
    status, _, body = get(base + "/jobs/abc")
    assert status == 404 and body.endswith("/jobs/abc")
    status, _, body = get(base + "/stages/0/0/taskList?length=-1")
    assert status == 400 and "length" in body
    status, _, body = get(sc.uiWebUrl + "/no/such/page")
    assert status == 404


def test_task_list_length_is_bounded(jvm_context):
    sc = jvm_context(master="local[2]")
    assert sc.parallelize(range(30), 30).count() == 30
    wait_jobs_done(sc, 1)
    base = api(sc) + "/stages/0/0/taskList"
    assert len(get_json(base)) == 20  # Spark's default length
    assert len(get_json(base + "?length=100000000")) == 30
    assert [t["index"] for t in get_json(base + "?offset=25&length=3")] == [25, 26, 27]
    runtimes = [t["taskMetrics"]["executorRunTime"] for t in get_json(base + "?length=30&sortBy=decreasingRuntime")]
    assert runtimes == sorted(runtimes, reverse=True)


def test_the_ui_is_read_only_and_loopback(jvm_context):
    sc = jvm_context(master="local[1]")
    assert sc.uiWebUrl.startswith("http://127.0.0.1:")
    import urllib.request
    req = urllib.request.Request(sc.uiWebUrl + "/api/v1/applications", data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=time_factor.scaled(10))
    assert e.value.code == 405


def test_port_in_use_moves_to_the_next_port(jvm_context):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        port = blocker.getsockname()[1]
        sc = jvm_context(master="local[1]", **{"spark.ui.port": str(port)})
        assert sc.uiWebUrl != "http://127.0.0.1:%d" % port
        got = int(sc.uiWebUrl.rsplit(":", 1)[1])
        assert port < got <= port + 16
        assert get_json(sc.uiWebUrl + "/api/v1/applications")[0]["id"] == sc.applicationId


def test_ui_enabled_false_has_no_url(jvm_context):
    sc = jvm_context(master="local[1]", **{"spark.ui.enabled": "false"})
    assert sc.uiWebUrl is None
    assert sc.parallelize([1]).count() == 1


def test_a_stalled_client_does_not_block_jobs(jvm_context):
    """Clients that send half a request or never read a large answer hold no lock a job needs."""
    sc = jvm_context(master="local[2]")
    assert sc.parallelize(range(400), 200).count() == 400
    wait_jobs_done(sc, 1)
    host, port = sc.uiWebUrl[len("http://"):].split(":")
    stalled = []
    try:
        for i in range(4):
            s = socket.create_connection((host, int(port)), timeout=time_factor.scaled(10))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            if i % 2:
                s.sendall(b"GET /api/v1/applications/%s/stages?details=true HTTP/1.1\r\nHost: x\r\n\r\n"
                          % sc.applicationId.encode())
            else:
                s.sendall(b"GET /jobs/ HTTP/1.1\r\nHost: x\r\n")  # never finished
            stalled.append(s)
        assert sc.parallelize(range(1000), 4).map(lambda x: (x % 7, 1)).reduceByKey(lambda a, b: a + b).count() == 7
        wait_jobs_done(sc, 2)
        status, _, _ = get(sc.uiWebUrl + "/jobs/")
        assert status == 200
    finally:
        for s in stalled:
            s.close()


def test_status_tracker_knows_finished_failed_and_grouped_jobs(jvm_context):
    """What pyspark 4.2.1 returns for the same program (checked in fidelity/ui/status_tracker_diff.py)."""
    sc = jvm_context(master="local[2]")

    def _boom(x):
        raise ValueError("boom %d" % x)

    t = sc.statusTracker()
    assert (t.getJobIdsForGroup(), t.getActiveJobsIds(), t.getActiveStageIds(), t.getJobInfo(0),
            t.getStageInfo(0)) == ([], [], [], None, None)
    import inspect
    line0 = inspect.currentframe().f_lineno + 1
    sc.parallelize(range(10), 3).map(lambda x: x).collect()
    sc.setJobGroup("g1", "desc")
    line1 = inspect.currentframe().f_lineno + 1
    r = sc.parallelize(range(10), 3).map(lambda x: (x % 3, x)).reduceByKey(lambda a, b: a + b)
    r.collect()
    r.collect()
    with pytest.raises(Exception):
        sc.parallelize([1], 1).map(_boom).collect()
    wait_jobs_done(sc, 4)
    assert t.getJobIdsForGroup("g1") == [3, 2, 1]
    assert t.getJobIdsForGroup() == [0] and t.getJobIdsForGroup(None) == [0]
    assert t.getJobInfo(0) == (0, [0], "SUCCEEDED")
    assert t.getJobInfo(1) == (1, [1, 2], "SUCCEEDED")
    assert t.getJobInfo(2) == (2, [3, 4], "SUCCEEDED")
    assert t.getJobInfo(3) == (3, [5], "FAILED")
    s0 = t.getStageInfo(0)
    assert (s0.stageId, s0.currentAttemptId, s0.numTasks, s0.numActiveTasks, s0.numCompletedTasks,
            s0.numFailedTasks) == (0, 0, 3, 0, 3, 0)
    # Spark's call-site names: the action for a result stage, the shuffle's maker for a map stage.
    this = os.path.abspath(__file__)
    assert s0.name.startswith("collect at ") and s0.name.endswith(".py:%d" % (line0,))
    assert t.getStageInfo(1).name == "reduceByKey at %s:%d" % (t.getStageInfo(1).name.split(" at ")[1].rsplit(":", 1)[0], line1)
    assert t.getStageInfo(1).name.split(" at ")[1].rsplit(":", 1)[0] in (this, __file__)
    skipped = t.getStageInfo(3)
    assert (skipped.numTasks, skipped.numCompletedTasks, skipped.numFailedTasks) == (3, 0, 0)
    assert t.getStageInfo(5).numFailedTasks >= 1
    assert t.getActiveJobsIds() == [] and t.getActiveStageIds() == []


def test_status_tracker_executor_infos_follow_the_cache_and_running_tasks(jvm_context, tmp_path):
    """getExecutorInfos (pyspark 4.2.1's shape; fidelity/ui/status_tracker_diff.py compares with it):
    the driver as the one executor, its running tasks, and cached bytes that come and go."""
    sc = jvm_context(master="local[2]")
    t = sc.statusTracker()
    (idle,) = t.getExecutorInfos()
    assert type(idle).__name__ == "SparkExecutorInfo" and idle._fields == (
        "host", "port", "cacheSize", "numRunningTasks", "usedOnHeapStorageMemory", "usedOffHeapStorageMemory",
        "totalOnHeapStorageMemory", "totalOffHeapStorageMemory")
    assert (idle.cacheSize, idle.numRunningTasks, idle.usedOffHeapStorageMemory, idle.totalOffHeapStorageMemory) \
        == (0, 0, 0, 0)
    assert idle.totalOnHeapStorageMemory > 0 and idle.host
    cached = sc.parallelize(range(10000), 2).cache()
    assert cached.count() == 10000
    wait_jobs_done(sc, 1)
    (full,) = t.getExecutorInfos()
    assert full.cacheSize > 0 and full.cacheSize == full.usedOnHeapStorageMemory <= full.totalOnHeapStorageMemory
    assert full.cacheSize == sum(r["memoryUsed"] for r in get_json(api(sc) + "/storage/rdd"))
    cached.unpersist(blocking=True)
    assert t.getExecutorInfos()[0].cacheSize == 0
    gate = os.path.join(tmp_path, "release")

    def hold(x):  # a task that runs until the test has seen it running
        import os as _os
        import time as _time
        end = _time.monotonic() + 120
        while not _os.path.exists(gate) and _time.monotonic() < end:
            _time.sleep(0.02)
        return x

    done = []
    th = threading.Thread(target=lambda: done.append(sc.parallelize(range(2), 2).map(hold).count()))
    th.start()
    assert wait_for(lambda: t.getExecutorInfos()[0].numRunningTasks == 2, "two running tasks")
    open(gate, "w").close()
    th.join(time_factor.scaled(120))
    assert done == [2] and not th.is_alive()
    assert wait_for(lambda: t.getExecutorInfos()[0].numRunningTasks == 0, "no running task")


def test_status_tracker_forgets_beyond_retained_jobs(jvm_context):
    sc = jvm_context(master="local[1]", **{"spark.ui.retainedJobs": "5", "spark.ui.retainedStages": "5"})
    for _ in range(8):
        sc.parallelize([1], 1).count()
    wait_for(lambda: sc.statusTracker().getJobInfo(7), "job 7 recorded")
    t = sc.statusTracker()
    known = [i for i in range(8) if t.getJobInfo(i) is not None]
    assert 7 in known and len(known) <= 5 and 0 not in known


def test_pages_escape_what_the_program_wrote(jvm_context):
    sc = jvm_context(master="local[1]")
    sc.setJobGroup("<b>grp</b>", "<script>alert('x')</script>")
    sc.parallelize([1]).count()
    wait_jobs_done(sc, 1)
    for page in ("/jobs/", "/jobs/job/?id=0"):
        status, ctype, body = get(sc.uiWebUrl + page)
        assert status == 200 and ctype.startswith("text/html")
        assert "<script>alert" not in body and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in body
        assert "<b>grp</b>" not in body
    for page in ("/stages/", "/stages/stage/?id=0&attempt=0", "/storage/", "/environment/", "/executors/"):
        assert get(sc.uiWebUrl + page)[0] == 200, page
    assert get(sc.uiWebUrl + "/stages/stage/?id=9")[0] == 404
    assert get(sc.uiWebUrl + "/jobs/job/?id=x")[0] == 404


def test_environment_redacts_secrets(jvm_context):
    sc = jvm_context(master="local[1]", **{"spark.my.password": "hunter2", "spark.some.token": "t0k"})
    props = dict(get_json(api(sc) + "/environment")["sparkProperties"])
    assert props["spark.my.password"] == props["spark.some.token"] == "*********(redacted)"
    assert "hunter2" not in get(sc.uiWebUrl + "/environment/")[2]
