"""Derives the fixture of Spark's monitoring REST API shapes that Kindling's API is checked against.

Two sources, both from the real Spark of a pip ``pyspark`` (default 4.2.1):

1. ``javap`` over the API classes of its ``spark-core`` jar
   (``org.apache.spark.status.api.v1.*``, compiled from ``api.scala``): the field names of each
   class and which of them are ``scala.Option`` (Spark's JSON leaves a ``None`` out, so those may
   be absent);
2. the JSON that a live SparkContext of that pyspark serves for a small job (map, shuffle, cached
   RDD, failed task): the nesting of those classes per endpoint, and the error status and body for
   unknown ids.

Usage: fidelity/.venv-4.2.1/bin/python fidelity/ui/derive_api_shapes.py OUT.json
Writes {"sparkVersion", "optionalFields", "mapFields", "endpoints": {name: {"path", "status",
"shape" | "error"}}}: a shape is {"object": {field: shape}} | {"list": shape | null} | a JSON type name.
"""
import glob
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

# Fields whose JSON objects are maps with data-dependent keys (task ids, executor ids, reasons, ...):
# only the shape of their values is compared.
MAP_FIELDS = ["tasks", "executorSummary", "killedTasksSummary", "executorLogs", "attributes", "resources",
              "executorResources", "taskResources", "peakMemoryMetrics", "peakExecutorMetrics",
              "speculationSummary", "executorMetricsDistributions"]

API_CLASSES = ["ApplicationInfo", "ApplicationAttemptInfo", "JobData", "StageData", "TaskData", "TaskMetrics",
               "InputMetrics", "OutputMetrics", "ShuffleReadMetrics", "ShuffleWriteMetrics", "ExecutorSummary",
               "ExecutorStageSummary", "MemoryMetrics", "RDDStorageInfo", "RDDDataDistribution", "RDDPartitionInfo",
               "ApplicationEnvironmentInfo", "RuntimeInfo", "VersionInfo", "AccumulableInfo",
               "ShufflePushReadMetrics", "ResourceProfileInfo", "TaskMetricDistributions"]

ENDPOINTS = {
    "applications": "applications",
    "application": "applications/{app}",
    "jobs": "applications/{app}/jobs",
    "job": "applications/{app}/jobs/0",
    "stages": "applications/{app}/stages",
    "stage": "applications/{app}/stages/1",
    "stageAttempt": "applications/{app}/stages/1/0",
    "taskList": "applications/{app}/stages/1/0/taskList",
    "executors": "applications/{app}/executors",
    "storage": "applications/{app}/storage/rdd",
    "rdd": "applications/{app}/storage/rdd/{rdd}",
    "environment": "applications/{app}/environment",
    "version": "version",
    "unknownApp": "applications/no-such-app/jobs",
    "unknownJob": "applications/{app}/jobs/99",
    "unknownStage": "applications/{app}/stages/99",
    "unknownAttempt": "applications/{app}/stages/1/7",
}


def javap_fields(jar):
    out = subprocess.run(["javap", "-p", "-cp", jar] + ["org.apache.spark.status.api.v1." + c for c in API_CLASSES],
                         check=True, capture_output=True, text=True).stdout
    fields, optional = {}, set()
    current = None
    for line in out.splitlines():
        m = re.match(r"public (?:final )?class org\.apache\.spark\.status\.api\.v1\.(\w+)", line)
        if m:
            current = m.group(1)
            fields[current] = []
            continue
        m = re.match(r"\s+private final (\S+(?:<.*>)?) (\w+);", line)
        if m and current:
            fields[current].append(m.group(2))
            if m.group(1).startswith("scala.Option"):
                optional.add(m.group(2))
    return fields, sorted(optional)


def shape(value, key=None):
    if isinstance(value, dict):
        if key in MAP_FIELDS:
            first = next(iter(value.values()), None)
            return {"map": shape(first) if first is not None else None}
        return {"object": {k: shape(v, k) for k, v in value.items()}}
    if isinstance(value, list):
        return {"list": shape(value[0], key) if value else None}
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return "string"


def main(out_path):
    import pyspark
    from pyspark import SparkConf, SparkContext

    jar = glob.glob(os.path.join(os.path.dirname(pyspark.__file__), "jars", "spark-core_*.jar"))[0]
    fields, optional = javap_fields(jar)
    sc = SparkContext(conf=SparkConf().setMaster("local[2]").setAppName("shapes")
                      .set("spark.ui.showConsoleProgress", "false"))
    try:
        sc.parallelize(range(100), 4).map(lambda x: (x % 3, x)).reduceByKey(lambda a, b: a + b).collect()
        sc.parallelize(range(50), 2).map(lambda x: x * 2).cache().count()

        def boom(_):
            raise ValueError("boom")

        try:
            sc.parallelize([1], 1).map(boom).collect()
        except Exception:
            pass
        base = sc.uiWebUrl + "/api/v1/"
        app = json.loads(urllib.request.urlopen(base + "applications").read())[0]["id"]
        deadline = time.time() + 30
        while time.time() < deadline:  # the listener is asynchronous
            jobs = json.loads(urllib.request.urlopen(base + "applications/%s/jobs" % app).read())
            if len(jobs) == 3 and all(j["status"] != "RUNNING" for j in jobs):
                break
            time.sleep(0.1)
        rdd = json.loads(urllib.request.urlopen(base + "applications/%s/storage/rdd" % app).read())[0]["id"]
        endpoints = {}
        for name, path in ENDPOINTS.items():
            p = path.format(app=app, rdd=rdd)
            try:
                with urllib.request.urlopen(base + p) as r:
                    endpoints[name] = {"path": p.replace(app, "{app}"), "status": r.status,
                                       "shape": shape(json.loads(r.read()))}
            except urllib.error.HTTPError as e:
                endpoints[name] = {"path": p.replace(app, "{app}"), "status": e.code,
                                   "contentType": e.headers.get("Content-Type"),
                                   "error": e.read().decode().replace(app, "{app}").strip()}
        doc = {"sparkVersion": sc.version, "derivedBy": "fidelity/ui/derive_api_shapes.py",
               "classFields": fields, "optionalFields": optional, "mapFields": MAP_FIELDS, "endpoints": endpoints}
    finally:
        sc.stop()
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
