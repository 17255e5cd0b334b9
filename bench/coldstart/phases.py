"""Where Kindling's cold start goes: one process that imports kindling, starts a local[2] context,
runs the first count() and stops, printing each phase's wall milliseconds as one JSON line
(interpreter start is the difference to the whole process's time, which run.sh measures).

    python bench/coldstart/phases.py [spark.driver.extraJavaOptions] [ARCHIVE]

With ARCHIVE (and -XX:+RecordDynamicDumpInfo among the options) the JVM's loaded classes are
dumped there with ``jcmd <pid> VM.cds dynamic_dump`` after the counts: an AppCDS archive of
exactly what a cold start loads.
"""
import json
import sys
import time

t0 = time.perf_counter()
from kindling import SparkConf, SparkContext  # noqa: E402

t1 = time.perf_counter()
conf = SparkConf().setMaster("local[2]").setAppName("coldstart")
if len(sys.argv) > 1 and sys.argv[1]:
    conf.set("spark.driver.extraJavaOptions", sys.argv[1])
sc = SparkContext(conf=conf)
t2 = time.perf_counter()
sc.parallelize(range(1000)).count()
t3 = time.perf_counter()
sc.parallelize(range(1000)).count()
t4 = time.perf_counter()
if len(sys.argv) > 2:
    import os
    import subprocess

    def java_children(pid):
        found = []
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open("/proc/%s/stat" % name) as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                    with open("/proc/%s/cmdline" % name, "rb") as f:
                        cmd = f.read()
                except OSError:
                    continue
                if ppid == pid and b"java" in cmd.split(b"\0")[0]:
                    found.append(int(name))
        return found

    for jvm in java_children(os.getpid()):
        subprocess.run(["jcmd", str(jvm), "VM.cds", "dynamic_dump", sys.argv[2]], check=True,
                       stdout=subprocess.DEVNULL, timeout=300)
sc.stop()
t5 = time.perf_counter()
print(json.dumps({"import_ms": round((t1 - t0) * 1000), "context_ms": round((t2 - t1) * 1000),
                  "first_count_ms": round((t3 - t2) * 1000), "second_count_ms": round((t4 - t3) * 1000),
                  "stop_ms": round((t5 - t4) * 1000)}))
