"""The jobs whose event log the History Server check reads, runnable on pip pyspark or Kindling.

    python eventlog_jobs.py --impl pyspark|kindling --log-dir DIR --work DIR [--codec zstd|lz4|none]
                            [--no-rolling] [--summary FILE]

Runs, on master local[2,2] (two slots, two attempts per task as Spark's local[N,F]):
  1. map        parallelize(range(100), 4).map(...).collect()
  2. shuffle    reduceByKey over 3 partitions, collect (two stages)
     shuffle-reused  the same RDD collected again: its map stage is skipped
  3. cache      a cached RDD counted, then summed (the second job reads the cache)
  4. retry      a task whose first attempt fails and second succeeds
  5. failed     a task that fails both attempts: the job fails
  6. text       textFile of 50 lines in 2 partitions, count (input records and bytes are known)
  7. save       30 strings saved with saveAsTextFile (output records and bytes are known)
  8. cancelled  a job group cancelled while its tasks run
and writes a JSON summary (application id, and per job: id, status, stage ids, task counts) that
the check compares with what the History Server reports.
"""
import argparse
import json
import os
import sys
import threading
import time


def run_jobs(sc, mod, work):
    summary = {"applicationId": sc.applicationId, "jobs": []}

    sc.setJobDescription("map")
    assert sc.parallelize(range(100), 4).map(lambda x: x * 2).collect() == [x * 2 for x in range(100)]

    sc.setJobDescription("shuffle")
    reduced = sc.parallelize(range(100), 4).map(lambda x: (x % 10, 1)).reduceByKey(lambda a, b: a + b, 3)
    counts = sorted(reduced.collect())
    assert counts == [(k, 10) for k in range(10)], counts

    sc.setJobDescription("shuffle-reused")
    # The map output exists: this job's map stage is listed but skipped.
    assert sorted(reduced.collect()) == counts

    sc.setJobDescription("cache")
    cached = sc.parallelize(range(50), 2).map(lambda x: x + 1).cache()
    assert cached.count() == 50
    assert cached.sum() == sum(range(1, 51))

    sc.setJobDescription("retry")

    def fail_first_attempt(split, it):
        if mod.TaskContext.get().attemptNumber() == 0 and split == 1:
            raise ValueError("first attempt of partition 1 fails on purpose")
        return it

    assert sc.parallelize(range(20), 2).mapPartitionsWithIndex(fail_first_attempt).count() == 20

    sc.setJobDescription("failed")

    def always_fails(x):
        if x == 7:
            raise ValueError("element 7 always fails")
        return x

    try:
        sc.parallelize(range(10), 2).map(always_fails).collect()
        raise AssertionError("the failing job succeeded")
    except Exception as e:  # Py4JJavaError on pyspark, SparkException-like on Kindling
        if "element 7 always fails" not in str(e):
            raise

    sc.setJobDescription("text")
    text = os.path.join(work, "lines.txt")
    with open(text, "w") as f:
        for i in range(50):
            f.write("line %d\n" % i)
    assert sc.textFile(text, 2).count() == 50
    summary["textFile"] = {"path": text, "bytes": os.path.getsize(text), "lines": 50}

    sc.setJobDescription("save")
    out = os.path.join(work, "saved")
    sc.parallelize(["a", "bb", "ccc"] * 10, 2).saveAsTextFile(out)
    parts = [os.path.join(out, n) for n in sorted(os.listdir(out)) if n.startswith("part-")]
    summary["saved"] = {"records": 30, "bytes": sum(os.path.getsize(p) for p in parts)}

    sc.setJobDescription(None)
    errors = []

    def cancelled_job():
        sc.setJobGroup("to-cancel", "cancelled", interruptOnCancel=True)

        def slow(it):
            deadline = time.time() + 120
            while time.time() < deadline:
                time.sleep(0.05)
            return it

        try:
            sc.parallelize(range(4), 2).mapPartitions(slow).count()
            errors.append("the cancelled job finished")
        except Exception:
            pass

    t = threading.Thread(target=cancelled_job, daemon=True)
    t.start()
    tracker = sc.statusTracker()
    deadline = time.time() + 60
    while time.time() < deadline:
        running = [
            j for j in tracker.getJobIdsForGroup("to-cancel")
            if tracker.getJobInfo(j) is not None and tracker.getJobInfo(j).status == "RUNNING"
        ]
        stages = tracker.getActiveStageIds()
        infos = [tracker.getStageInfo(s) for s in stages]
        if running and any(i is not None and i.numActiveTasks == 2 for i in infos):
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the job to cancel never ran its two tasks")
    sc.cancelJobGroup("to-cancel")
    t.join(60)
    if t.is_alive() or errors:
        raise AssertionError("cancel failed: %s" % (errors or "the job is still running"))
    return summary


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--impl", choices=["pyspark", "kindling"], required=True)
    ap.add_argument("--log-dir", required=True)
    ap.add_argument("--codec", choices=["zstd", "lz4", "none"],
                    help="spark.eventLog.compression.codec; none: spark.eventLog.compress=false "
                         "(default: the implementation's default, zstd on Spark 4.2)")
    ap.add_argument("--no-rolling", action="store_true", help="spark.eventLog.rolling.enabled=false")
    ap.add_argument("--work", required=True, help="scratch directory for the text and save jobs")
    ap.add_argument("--app-name", default="eventlog-jobs")
    ap.add_argument("--summary")
    args = ap.parse_args()
    if args.impl == "pyspark":
        import pyspark as mod
    else:
        import kindling as mod
    conf = mod.SparkConf().setMaster("local[2,2]").setAppName(args.app_name)
    conf.set("spark.eventLog.enabled", "true")
    conf.set("spark.eventLog.dir", "file:" + os.path.abspath(args.log_dir))
    conf.set("spark.ui.enabled", "false")
    conf.set("spark.ui.showConsoleProgress", "false")
    if args.codec == "none":
        conf.set("spark.eventLog.compress", "false")
    elif args.codec:
        conf.set("spark.eventLog.compress", "true")
        conf.set("spark.eventLog.compression.codec", args.codec)
    if args.no_rolling:
        conf.set("spark.eventLog.rolling.enabled", "false")
    os.makedirs(args.work, exist_ok=True)
    sc = mod.SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    try:
        summary = run_jobs(sc, mod, args.work)
    finally:
        sc.stop()
    if args.summary:
        with open(args.summary, "w") as f:
            json.dump(summary, f, indent=1)
    print("eventlog_jobs: %s done, application %s" % (args.impl, summary["applicationId"]), file=sys.stderr)


if __name__ == "__main__":
    main()
