"""Where Kindling's cold start goes: one process that imports kindling, starts a local[2] context,
runs the first count(), a second one, and stops, printing one JSON line of wall milliseconds and
CPU milliseconds per phase and per process (driver, JVM and its threads, daemon and workers).

    python bench/coldstart/phases.py [spark.driver.extraJavaOptions] [ARCHIVE]

Phases (wall ms, ``*_ms``):
  interp         process start (env KINDLING_BENCH_T0_NS, ``date +%s%N`` just before the exec)
                 to the first line of this script: the interpreter and site
  import         ``from kindling import SparkConf, SparkContext`` (kindling.context, py4j, ...)
  jvm_launch     launch_gateway's start (find java and jars, Popen) to the conn-info file read:
                 JVM start, Py4J server bound, conn-info published, the driver's 10 ms poll
  py4j_connect   conn-info read to the first answered call (connect, auth, one round trip)
  create_context the createContext call: engine, status store, UI server (event log off)
  context_rest   the rest of SparkContext(): accumulator server, SparkFiles, atexit
  first_count    sc.parallelize(range(1000)).count(): pickling, the job, the daemon's start, the
                 workers' fork, the tasks, the result
    prepare      of which: building the command (cloudpickle's first import and use)
  second_count   the same again (daemon and workers warm): a job without start-up costs
  stop           sc.stop(): context stop, Py4J shutdown, stdin EOF, JVM exit
  exit           (not here) the whole process minus the rest: run.sh derives it
CPU ms (``cpu_*``): the driver process's user+sys at each boundary (``cpu_driver_<phase>``), the
JVM's total and by thread group before stop (``cpu_jvm``, ``cpu_jvm_jit``, ``cpu_jvm_gc``,
``cpu_jvm_other_vm``, ``cpu_jvm_main`` (start-up, Py4J server), ``cpu_jvm_app``
(Py4J connection threads: createContext and the calls, tasks, daemon pumps, UI)), the daemon and its workers
(``cpu_python_workers``). /proc counts in clock ticks (10 ms): take medians over many runs.

With ARCHIVE (and -XX:+RecordDynamicDumpInfo among the options) the JVM's loaded classes are
dumped there with ``jcmd <pid> VM.cds dynamic_dump`` after the counts: an AppCDS archive of
exactly what a cold start loads (the reference the package-time archive is compared with).
"""
import json
import os
import sys
import time

T_START = time.perf_counter()
T_START_NS = time.time_ns()
import resource  # noqa: E402


def _cpu_self_ms():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return round((r.ru_utime + r.ru_stime) * 1000)


CPU_AT_START = _cpu_self_ms()
_TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def _stat(path):
    with open(path) as f:
        text = f.read()
    comm = text[text.index("(") + 1:text.rindex(")")]
    return comm, text.rsplit(")", 1)[1].split()


def _proc_cpu_ms(pid, with_children=True):
    _, fields = _stat("/proc/%d/stat" % pid)
    n = 15 if with_children else 13
    return round(sum(int(x) for x in fields[11:n]) * _TICK_MS)


def _children(pid):
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                _, fields = _stat("/proc/%s/stat" % name)
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(name))
    return found


def _descendants_cpu_ms(pid):
    total, todo = 0, _children(pid)
    while todo:
        p = todo.pop()
        try:
            total += _proc_cpu_ms(p)
        except OSError:
            continue
        todo.extend(_children(p))
    return total


def _thread_group(comm):
    if "CompilerThre" in comm or comm.startswith(("C1 ", "C2 ")):
        return "jit"
    if comm.startswith(("GC ", "G1 ", "VM Periodic")) or "GC" in comm:
        return "gc"
    if comm in ("main", "java"):  # the JVM's main thread keeps the launcher's name
        return "main"
    if comm.startswith(("VM Thread", "Reference Handl", "Finalizer", "Signal Dispatch", "Service Thread",
                        "Monitor Deflati", "Common-Cleaner", "Notification Th", "Sweeper thread")):
        return "other_vm"
    return "app"


def _jvm_threads_ms(pid):
    groups = {"jit": 0, "gc": 0, "other_vm": 0, "main": 0, "app": 0}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            comm, fields = _stat("/proc/%d/task/%s/stat" % (pid, tid))
        except OSError:
            continue
        groups[_thread_group(comm)] += round(sum(int(x) for x in fields[11:13]) * _TICK_MS)
    return groups


def main(argv):
    marks = {}
    cpu = {}

    def mark(name):
        marks[name] = time.perf_counter()
        cpu["cpu_driver_" + name] = _cpu_self_ms()

    from kindling import SparkConf, SparkContext  # noqa: E402
    from kindling import java_gateway

    mark("imported")
    real_launch = java_gateway.launch_gateway
    real_read = java_gateway.read_conn_info

    def timed_read(path):
        mark("conn_info")
        return real_read(path)

    def timed_launch(conf=None, popen_kwargs=None):
        mark("launch")
        gateway = real_launch(conf, popen_kwargs)
        gateway.entry_point.version()  # the first call: connect and authenticate
        mark("connected")
        entry = gateway.entry_point

        class Timed:
            def __getattr__(self, name):
                return getattr(entry, name)

            def createContext(self, c):
                try:
                    return entry.createContext(c)
                finally:
                    mark("created")

        gateway.entry_point = Timed()
        return gateway

    java_gateway.launch_gateway = timed_launch
    java_gateway.read_conn_info = timed_read

    conf = SparkConf().setMaster("local[2]").setAppName("coldstart")
    if len(argv) > 1 and argv[1]:
        conf.set("spark.driver.extraJavaOptions", argv[1])
    sc = SparkContext(conf=conf)
    mark("context")
    real_prepare = sc._prepare_command
    prepare = []

    def timed_prepare(command):
        t = time.perf_counter()
        try:
            return real_prepare(command)
        finally:
            prepare.append(time.perf_counter() - t)

    sc._prepare_command = timed_prepare
    n1 = sc.parallelize(range(1000)).count()
    mark("first_count")
    n2 = sc.parallelize(range(1000)).count()
    mark("second_count")
    if n1 != 1000 or n2 != 1000:
        raise SystemExit("wrong counts %s %s" % (n1, n2))
    jvm = sc._gateway.proc.pid
    cpu["cpu_jvm"] = _proc_cpu_ms(jvm, with_children=False)
    for group, ms in _jvm_threads_ms(jvm).items():
        cpu["cpu_jvm_" + group] = ms
    cpu["cpu_python_workers"] = _descendants_cpu_ms(jvm)
    if len(argv) > 2:
        import subprocess

        subprocess.run(["jcmd", str(jvm), "VM.cds", "dynamic_dump", argv[2]], check=True,
                       stdout=subprocess.DEVNULL, timeout=300)
    sc.stop()
    mark("stopped")
    ms = lambda a, b: round((marks[b] - marks[a]) * 1000)  # noqa: E731
    marks["start"] = T_START
    t0 = os.environ.get("KINDLING_BENCH_T0_NS")
    out = {
        "interp_ms": round((T_START_NS - int(t0)) / 1e6) if t0 else None,
        "import_ms": ms("start", "imported"),
        "jvm_launch_ms": ms("launch", "conn_info"),
        "py4j_connect_ms": ms("conn_info", "connected"),
        "create_context_ms": ms("connected", "created"),
        "context_rest_ms": ms("created", "context"),
        "first_count_ms": ms("context", "first_count"),
        "prepare_ms": round(prepare[0] * 1000) if prepare else None,
        "second_count_ms": ms("first_count", "second_count"),
        "stop_ms": ms("second_count", "stopped"),
        "script_ms": ms("start", "stopped"),
        "cpu_driver_interp": CPU_AT_START,
    }
    out.update(cpu)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv)
