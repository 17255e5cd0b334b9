"""Cross-runs of Kindling with real pip PySpark; writes docs/compatibility.md. Started by run.sh.

    python3 fidelity/fidelity.py [--only tck,spark,cluster,gateway,examples] [--report-only] VERSION...

For each pyspark VERSION (venv fidelity/.venv-VERSION made by fidelity/setup-venv.sh):
  1. tck       the worker TCK (tck jar) against pyspark.daemon/pyspark.worker of that version;
  2. spark     real Spark, local[2], jobs of fidelity/jobs/spark_jobs.py on Spark's own worker and
               on kindling.worker/kindling.daemon, results compared job by job;
     cluster   the same on local-cluster[2,1,1024] via spark-submit, kindling shipped as a zip;
  3. gateway   pyspark.java_gateway.launch_gateway against Kindling's gateway main (fake SPARK_HOME);
  4. examples  every examples/*.py under spark-submit (import swapped) and under Kindling.
Results go to fidelity/work/results/VERSION.json; the matrix is generated from those files (the
columns are the VERSIONs given, in that order). Standard library only.
"""
import argparse
import datetime
import difflib
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FID = os.path.join(ROOT, "fidelity")
WORK = os.path.join(FID, "work")
RESULTS = os.path.join(WORK, "results")
DOC = os.path.join(ROOT, "docs", "compatibility.md")
JOBS = ["wordcount", "map_filter", "reduceByKey", "join", "exception", "broadcast", "accumulator",
        "task_context"]
ALL_ITEMS = ["tck", "spark", "cluster", "gateway", "examples"]


def log(msg):
    print("[fidelity %s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


# -- process helpers -----------------------------------------------------------------------------

def run(cmd, timeout, env=None, cwd=ROOT, log_path=None):
    """Runs cmd in its own process group; kills the group on timeout. Returns (rc, output)."""
    started = time.time()
    with open(log_path or os.devnull, "wb") as sink:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            out, _ = proc.communicate(timeout=timeout)
            rc = proc.returncode
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            rc = "timeout after %ds" % timeout
        sink.write(out)
    text = out.decode("utf-8", "replace")
    return rc, text, round(time.time() - started, 1)


def tail(text, n=40, drop_stack=True):
    lines = [ln for ln in text.splitlines() if not (drop_stack and re.match(r"^\s+at [\w$.<>/]+\(", ln))]
    return "\n".join(lines[-n:])


def base_env(venv=None):
    env = dict(os.environ)
    for k in ("PYSPARK_GATEWAY_PORT", "PYSPARK_GATEWAY_SECRET", "SPARK_HOME", "PYSPARK_PYTHON",
              "PYSPARK_DRIVER_PYTHON", "PYSPARK_SUBMIT_ARGS", "PYTHONPATH", "KINDLING_PROTOCOL_PROFILE",
              "KINDLING_PROFILE", "VIRTUAL_ENV"):
        env.pop(k, None)
    env["SPARK_LOCAL_IP"] = "127.0.0.1"   # the VM's name resolves to an unroutable address
    env["PYTHONHASHSEED"] = "0"
    if venv:
        env["PATH"] = os.path.join(venv, "bin") + os.pathsep + env.get("PATH", "")
        env["VIRTUAL_ENV"] = venv
    return env


def profile_for(version):
    major, minor = (int(x) for x in version.split(".")[:2])
    if (major, minor) < (4, 1):
        return "spark-3.5"
    if (major, minor) == (4, 1):
        return "spark-4.1"
    if (major, minor) == (4, 2):
        return "spark-4.2"
    return "spark-4.3"  # 4.3 sends the header in an init message (worker.md 4.10)


def known_failures_for(version):
    mm = ".".join(version.split(".")[:2])
    own = os.path.join(FID, "known-failures", "pyspark-%s.txt" % mm)
    if os.path.exists(own):
        return own
    prof = profile_for(version)
    return os.path.join(ROOT, "tck", "known-failures", "pyspark-%s.txt" % prof.split("-")[1])


# -- 1. worker TCK -------------------------------------------------------------------------------

def check_tck(ctx):
    v, py = ctx["version"], ctx["python"]
    report = os.path.join(WORK, "tck-%s" % v)
    shutil.rmtree(report, ignore_errors=True)
    kf = known_failures_for(v)
    cmd = ["timeout", "-k", "10", str(ctx["tck_timeout"]), "java", "-jar", ctx["tck_jar"], "worker",
           "--profile", profile_for(v), "--known-failures", kf, "--report-dir", report,
           "--", py, "-m", "pyspark.daemon", "pyspark.worker"]
    rc, out, secs = run(cmd, ctx["tck_timeout"] + 30, env=base_env(ctx["venv"]),
                        log_path=os.path.join(WORK, "tck-%s.log" % v))
    summary = [ln for ln in out.splitlines() if ln.startswith("TCK ")]
    notes = [ln for ln in out.splitlines()
             if ln.startswith(("FAILED:", "UNEXPECTED PASS:", "STALE:", "NOT APPLICABLE:"))]
    m = re.search(r"(\d+) required passed, (\d+) required failed.*?(\d+) expected failures", summary[-1]) \
        if summary else None
    cell = ("%s req. passed, %s known" % (m.group(1), m.group(3))) if m else None
    return {"tck": {
        "ok": rc == 0, "cell": cell, "seconds": secs,
        "command": " ".join(cmd[4:]).replace(ROOT + "/", ""),
        "detail": "\n".join(notes + summary) if summary else "exit %s\n%s" % (rc, tail(out)),
        "known_failures": os.path.relpath(kf, ROOT)}}


# -- 2. Spark with kindling.worker ---------------------------------------------------------------

def spark_submit_cmd(ctx, master, out, kindling, pythonpath=None, py_files=None):
    cmd = [os.path.join(ctx["venv"], "bin", "spark-submit"), "--master", master,
           "--conf", "spark.ui.enabled=false", "--conf", "spark.pyspark.python=%s" % ctx["python"],
           "--conf", "spark.pyspark.driver.python=%s" % ctx["python"]]
    if kindling:
        cmd += ["--conf", "spark.python.worker.module=kindling.worker",
                "--conf", "spark.python.daemon.module=kindling.daemon",
                "--conf", "spark.executorEnv.PYTHONPATH=%s" % pythonpath]
        if py_files:
            cmd += ["--py-files", py_files]
    cmd += [os.path.join(FID, "jobs", "spark_jobs.py"), "--master", master, "--corpus", ctx["corpus"],
            "--out", out]
    if kindling:
        cmd += ["--kindling-pythonpath", pythonpath]
    return cmd


def run_jobs(ctx, tag, master, kindling, pythonpath=None, py_files=None, timeout=900):
    out = os.path.join(WORK, "jobs-%s-%s.json" % (ctx["version"], tag))
    if os.path.exists(out):
        os.remove(out)
    cmd = spark_submit_cmd(ctx, master, out, kindling, pythonpath, py_files)
    env = base_env(ctx["venv"])
    if kindling and pythonpath and not py_files:
        env["PYTHONPATH"] = pythonpath   # the driver's environment, as the brief of local mode
    rc, text, secs = run(cmd, timeout, env=env, log_path=os.path.join(WORK, "jobs-%s-%s.log" % (ctx["version"], tag)))
    shown = " ".join(cmd).replace(ROOT + "/", "").replace(ctx["venv"].replace(ROOT + "/", ""), "$VENV")
    if not os.path.exists(out):
        return None, "`%s` exited %s without results after %ss:\n%s" % (shown, rc, secs, tail(text)), shown
    with open(out, encoding="utf-8") as f:
        return json.load(f), None, shown


def compare_jobs(prefix, ref, kin, ref_err, kin_err, title_kin):
    res = {}
    if ref is None or kin is None:
        for j in JOBS + ["identity"]:
            res["%s.%s" % (prefix, j)] = {"ok": False, "detail": (kin_err or "") + "\n" + (ref_err or "")}
        return res
    for j in JOBS:
        r, k = ref["jobs"].get(j), kin["jobs"].get(j)
        if not k or not k["ok"]:
            res["%s.%s" % (prefix, j)] = {"ok": False, "detail": "%s raised %s\n%s" % (
                title_kin, k and k.get("error"), k and k.get("trace", ""))}
        elif not r or not r["ok"]:
            res["%s.%s" % (prefix, j)] = {"ok": False, "detail": "reference run (Spark's own worker) failed: %s\n%s"
                                          % (r and r.get("error"), r and r.get("trace", ""))}
        elif r["value"] != k["value"]:
            a = json.dumps(r["value"], indent=0, sort_keys=True).splitlines()
            b = json.dumps(k["value"], indent=0, sort_keys=True).splitlines()
            diff = "\n".join(list(difflib.unified_diff(a, b, "pyspark.worker", "kindling.worker", lineterm=""))[:40])
            res["%s.%s" % (prefix, j)] = {"ok": False, "detail": "results differ:\n" + diff}
        else:
            res["%s.%s" % (prefix, j)] = {"ok": True, "cell": "%ss / %ss" % (k["seconds"], r["seconds"])}
    ident = kin["jobs"].get("worker_identity", {})
    mods = ident.get("value") or []
    ok = ident.get("ok") and "kindling.worker" in mods and "pyspark.worker" not in mods
    res["%s.identity" % prefix] = {"ok": bool(ok), "cell": None,
                                   "detail": "worker modules loaded in the Python workers: %s (reference run: %s)"
                                             % (mods or ident.get("error"), ref["jobs"].get("worker_identity", {}).get("value"))}
    return res


CLOUDPICKLE = "cloudpickle==3.1.1"   # kindling's pin (python/requirements-dev.txt, pyproject: >=3,<4)


def deps_dir(ctx):
    """kindling's one runtime dependency an executor with only pyspark lacks: `cloudpickle`
    (kindling.serializers imports it; pyspark vendors its own as pyspark.cloudpickle)."""
    d = os.path.join(WORK, "deps")
    if not os.path.isdir(os.path.join(d, "cloudpickle")):
        tmp = "%s.%d" % (d, os.getpid())   # runs for several versions may go in parallel
        rc, text, _ = run([ctx["python"], "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                           "--target", tmp, CLOUDPICKLE], 300)
        if rc != 0:
            raise RuntimeError("pip install --target %s %s failed:\n%s" % (d, CLOUDPICKLE, tail(text)))
        try:
            os.rename(tmp, d)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
    return d


def check_bare_import(ctx):
    """Can kindling.worker start on an executor that has only pyspark (no kindling dependencies)?"""
    env = base_env(ctx["venv"])
    env["PYTHONPATH"] = os.path.join(ROOT, "python")
    rc, text, _ = run([ctx["python"], "-c", "import kindling.worker, kindling.daemon"], 120, env=env)
    return {"ok": rc == 0, "detail": "`PYTHONPATH=python %s -c 'import kindling.worker, kindling.daemon'` "
            "(venv with pip pyspark only) exited %s:\n%s" % (ctx["python"].replace(ROOT + "/", ""), rc, tail(text, 8))}


def check_spark(ctx):
    pp = os.path.join(ROOT, "python") + os.pathsep + deps_dir(ctx)
    ref, ref_err, ref_cmd = run_jobs(ctx, "local-pyspark", "local[2]", False)
    kin, kin_err, kin_cmd = run_jobs(ctx, "local-kindling", "local[2]", True, pythonpath=pp)
    res = compare_jobs("spark", ref, kin, ref_err, kin_err, "kindling.worker in local[2]")
    for r in res.values():
        r["command"] = kin_cmd
    res["spark._commands"] = {"ok": True, "reference": ref_cmd, "kindling": kin_cmd}
    res["spark.bare"] = check_bare_import(ctx)
    return res


def kindling_zip(ctx):
    """python/kindling and its dependency cloudpickle as one zip, as one ships it with --py-files."""
    path = os.path.join(WORK, "kindling-%s.zip" % ctx["version"])
    base = os.path.join(WORK, "kindling-zip-%s" % ctx["version"])
    shutil.rmtree(base, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "python", "kindling"), os.path.join(base, "kindling"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "jars"))
    shutil.copytree(os.path.join(deps_dir(ctx), "cloudpickle"), os.path.join(base, "cloudpickle"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if os.path.exists(path):
        os.remove(path)
    shutil.make_archive(path[:-4], "zip", base)
    shutil.rmtree(base, ignore_errors=True)
    return path


def check_cluster(ctx):
    master = "local-cluster[2,1,1024]"
    zp = kindling_zip(ctx)
    ref, ref_err, ref_cmd = run_jobs(ctx, "cluster-pyspark", master, False)
    if ref is None:
        return {"cluster.all": {"ok": False, "command": ref_cmd,
                                "detail": "local-cluster does not start on this machine with Spark's own worker:\n" + ref_err}}
    kin, kin_err, kin_cmd = run_jobs(ctx, "cluster-kindling", master, True, pythonpath=zp, py_files=zp)
    res = compare_jobs("cluster", ref, kin, ref_err, kin_err, "kindling.worker in local-cluster")
    bad = {k: v for k, v in res.items() if not v["ok"]}
    ok = not bad
    return {"cluster.all": {"ok": ok, "command": kin_cmd,
                            "cell": "%d jobs" % len(JOBS) if ok else None,
                            "detail": "\n\n".join("%s: %s" % (k, v["detail"]) for k, v in bad.items())}}


# -- 3. PySpark's launcher against Kindling's gateway -----------------------------------------------

def check_gateway(ctx):
    home = os.path.join(WORK, "fake-spark-home-%s" % ctx["version"])
    os.makedirs(os.path.join(home, "bin"), exist_ok=True)
    script = os.path.join(home, "bin", "spark-submit")
    with open(script, "w", encoding="utf-8") as f:
        f.write("#!/bin/sh\n# Fake spark-submit (fidelity/fidelity.py): runs Kindling's gateway main instead of\n"
                "# Spark's; PySpark's arguments (\"$@\", e.g. pyspark-shell) are ignored.\n"
                "exec java -cp '%s' dev.kindling.gateway.KindlingGateway\n" % ctx["gateway_cp"])
    os.chmod(script, 0o755)
    out = os.path.join(WORK, "gateway-%s.json" % ctx["version"])
    if os.path.exists(out):
        os.remove(out)
    env = base_env(ctx["venv"])
    env["SPARK_HOME"] = home
    env["KINDLING_PROFILE"] = profile_for(ctx["version"])
    rc, text, secs = run(["timeout", "-k", "5", "150", ctx["python"], os.path.join(FID, "gateway_probe.py"), out],
                         180, env=env, log_path=os.path.join(WORK, "gateway-%s.log" % ctx["version"]))
    if not os.path.exists(out):
        d = "gateway_probe.py exited %s:\n%s" % (rc, tail(text))
        return {k: {"ok": False, "detail": d} for k in ("gateway.launch", "gateway.call", "gateway.wrong",
                                                           "gateway.eof", "gateway.context")}
    with open(out, encoding="utf-8") as f:
        g = json.load(f)
    res = {}
    for step in ("launch", "call", "wrong", "eof", "context"):
        s = g.get(step) or {"ok": False, "error": {"message": "step not reached"}}
        detail = json.dumps(s, indent=1)
        cell = None
        if step == "call" and s.get("ok"):
            cell = s.get("protocolProfile")
        res["gateway." + step] = {"ok": bool(s.get("ok")), "detail": detail, "cell": cell}
    return res


# -- 4. examples ------------------------------------------------------------------------------------

IMPORT_SWAP = [(re.compile(r"^(\s*)from kindling(\.\w+)* import", re.M), lambda m: m.group(0).replace("kindling", "pyspark", 1)),
               (re.compile(r"^(\s*)import kindling\b", re.M), lambda m: m.group(0).replace("kindling", "pyspark", 1))]


def discover_examples():
    return sorted(p for p in glob.glob(os.path.join(ROOT, "examples", "*.py"))
                  if not os.path.basename(p).startswith("_"))


def swapped_examples_dir(version):
    """A copy of examples/ with `kindling` imports swapped to `pyspark` (data linked, not copied)."""
    dst = os.path.join(WORK, "examples-pyspark-%s" % version)
    shutil.rmtree(dst, ignore_errors=True)
    os.makedirs(dst)
    for entry in os.listdir(os.path.join(ROOT, "examples")):
        src = os.path.join(ROOT, "examples", entry)
        if entry.endswith(".py"):
            with open(src, encoding="utf-8") as f:
                text = f.read()
            for rx, fn in IMPORT_SWAP:
                text = rx.sub(fn, text)
            with open(os.path.join(dst, entry), "w", encoding="utf-8") as f:
                f.write(text)
        else:
            os.symlink(src, os.path.join(dst, entry))
    return dst


def example_args(path):
    """Arguments from a `# fidelity-args: ...` line in the example, if any."""
    with open(path, encoding="utf-8") as f:
        m = re.search(r"^#\s*fidelity-args:\s*(.*)$", f.read(), re.M)
    return m.group(1).split() if m else []


def run_kindling_examples(ctx):
    """Each example under Kindling once (independent of the pyspark version); cached per run."""
    if "kindling_examples" in ctx["shared"]:
        return ctx["shared"]["kindling_examples"]
    out = {}
    py = os.path.join(ROOT, ".venv", "bin", "python")
    if not os.path.exists(py):
        py = sys.executable
    for path in discover_examples():
        name = os.path.basename(path)
        env = base_env()
        env["PYTHONPATH"] = os.path.join(ROOT, "python")
        env["KINDLING_GATEWAY_CLASSPATH"] = ctx["gateway_cp"]
        rc, text, secs = run(["timeout", "-k", "5", "600", py, path] + example_args(path), 620, env=env,
                             cwd=os.path.join(ROOT, "examples"),
                             log_path=os.path.join(WORK, "example-kindling-%s.log" % name))
        out[name] = {"rc": rc, "output": text, "seconds": secs,
                     "command": "PYTHONPATH=python .venv/bin/python examples/%s" % name}
        log("  kindling %s: exit %s in %ss" % (name, rc, secs))
    ctx["shared"]["kindling_examples"] = out
    return out


def split_streams(text):
    """Program output without Spark's/Kindling's log lines (both go to stderr, merged here)."""
    noise = re.compile(r"^(\d\d/\d\d/\d\d \d\d:\d\d:\d\d |WARNING: Using incubator|Using Spark's default log4j|"
                       r"Setting default log level|To adjust logging level|\s+at |\[Stage \d+)")
    return [ln.rstrip() for ln in text.splitlines() if ln.strip() and not noise.match(ln)]


# Examples whose numbers are random (Monte Carlo): floats compared with this absolute tolerance;
# all others with a relative 1e-9 (sums of floats may be added in another order).
FLOAT_TOLERANCE = {"pi.py": 0.05}
FLOAT = re.compile(r"-?\d+\.\d+(?:[eE][-+]?\d+)?")


def lines_close(a, b, tol):
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if FLOAT.sub("#", x) != FLOAT.sub("#", y):
            return False
        for fx, fy in zip(FLOAT.findall(x), FLOAT.findall(y)):
            fx, fy = float(fx), float(fy)
            if abs(fx - fy) > (tol if tol >= 1e-3 else tol * max(abs(fx), abs(fy), 1.0)):
                return False
    return True


def check_examples(ctx):
    examples = discover_examples()
    if not examples:
        return {"examples.none": {"ok": False, "detail": "examples/ holds no *.py program yet"}}
    kin = run_kindling_examples(ctx)
    swapped = swapped_examples_dir(ctx["version"])
    res = {}
    for path in examples:
        name = os.path.basename(path)
        args = example_args(path)
        cmd = ["timeout", "-k", "5", "600", os.path.join(ctx["venv"], "bin", "spark-submit"), "--master", "local[2]",
               "--conf", "spark.ui.enabled=false", "--conf", "spark.pyspark.python=%s" % ctx["python"],
               "--conf", "spark.pyspark.driver.python=%s" % ctx["python"],
               os.path.join(swapped, name)] + args
        rc, text, secs = run(cmd, 620, env=base_env(ctx["venv"]), cwd=swapped,
                             log_path=os.path.join(WORK, "example-%s-%s.log" % (ctx["version"], name)))
        log("  pyspark %s %s: exit %s in %ss" % (ctx["version"], name, rc, secs))
        k = kin[name]
        key = "example." + name
        if rc != 0:
            res[key] = {"ok": False, "detail": "under pyspark (spark-submit, imports swapped) exit %s:\n%s"
                                               % (rc, tail(text))}
            continue
        if k["rc"] != 0:
            res[key] = {"ok": False, "detail": "under Kindling (`%s`) exit %s:\n%s" % (k["command"], k["rc"], tail(k["output"]))}
            continue
        a, b = split_streams(text), split_streams(k["output"])
        tol = FLOAT_TOLERANCE.get(name, 1e-9)
        if a == b:
            res[key] = {"ok": True, "cell": "same output"}
        elif sorted(a) == sorted(b):
            res[key] = {"ok": True, "cell": "same lines (order differs)"}
        elif lines_close(a, b, tol) or lines_close(sorted(a), sorted(b), tol):
            res[key] = {"ok": True, "cell": "same up to float tolerance %g" % tol}
        else:
            diff = "\n".join(list(difflib.unified_diff(a, b, "pyspark %s" % ctx["version"], "kindling", lineterm=""))[:60])
            res[key] = {"ok": False, "detail": "outputs differ (log lines removed, then compared as sorted lines):\n" + diff}
    return res


# -- matrix ---------------------------------------------------------------------------------------

ROWS = [("tck", "1. Worker TCK against `pyspark.daemon pyspark.worker` (profile by version; listed deviations allowed)")]
ROWS += [("spark." + j, "2. Spark `local[2]` with `kindling.worker`: %s job = Spark's own worker" % j) for j in JOBS]
ROWS += [("spark.bare", "2. `kindling.worker` imports on an executor Python that has only pip `pyspark` (no `cloudpickle`)"),
         ("spark.identity", "2. Spark `local[2]`: the tasks ran in `kindling.worker` (not `pyspark.worker`)"),
         ("cluster.all", "2. Spark `local-cluster[2,1,1024]` via `spark-submit --py-files kindling.zip`: all jobs = Spark's own worker"),
         ("gateway.launch", "3. `pyspark.java_gateway.launch_gateway()` → Kindling JVM: conn-info file read, Py4J auth, imports"),
         ("gateway.call", "3. JVM calls through that gateway (`System.getProperty`, entry point `version()`/`protocolProfile()`)"),
         ("gateway.wrong", "3. PySpark's py4j client with a wrong secret is refused"),
         ("gateway.eof", "3. Kindling JVM exits when PySpark closes its stdin"),
         ("gateway.context", "3. PySpark's own `SparkContext()` on Kindling's JVM")]


def load_notes():
    path = os.path.join(FID, "notes.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def note_for(notes, check, version):
    best = None
    for key, text in notes.items():
        if key.startswith("_"):
            continue
        ck, _, ver = key.partition("@")
        if re.fullmatch(ck.replace(".", r"\.").replace("*", ".*"), check) and (not ver or version.startswith(ver)):
            best = text
    return best


def write_matrix(versions, argv):
    notes = load_notes()
    data = {}
    for v in versions:
        p = os.path.join(RESULTS, "%s.json" % v)
        data[v] = json.load(open(p, encoding="utf-8")) if os.path.exists(p) else {"checks": {}}
    rows = list(ROWS)
    ex = sorted({k for v in versions for k in data[v]["checks"] if k.startswith("example")})
    rows += [(k, "4. `examples/%s`: `spark-submit` (imports swapped) output = Kindling's" % k.split(".", 1)[1])
             if k != "examples.none" else (k, "4. examples/*.py under pyspark and Kindling") for k in ex]
    if not ex:
        rows.append(("examples.none", "4. examples/*.py under pyspark and Kindling"))
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    L = ["# Compatibility with Apache Spark (pip `pyspark`)", "",
         "<!-- GENERATED by fidelity/run.sh (fidelity/fidelity.py) — do not edit by hand; hand-written",
         "     explanations live in fidelity/notes.json. -->", "",
         "**Generated by `fidelity/run.sh`** on %s: `%s`, from the results in `fidelity/work/results/` of the "
         "runs listed under the table (raw logs in `fidelity/work/`, git-ignored)." % (when, " ".join(argv)), "",
         "Columns are pip `pyspark` versions (their bundled Spark JVM and Python worker); rows are the checks of "
         "issue #8 (numbers = items of `fidelity/fidelity.py`). ✅ pass, ❌ fail (click for the reason), "
         "— not run. Timings in job cells are `kindling.worker / Spark's own worker` seconds on a shared 2-CPU machine "
         "under heavy load: not a benchmark.", ""]
    header = "| check | " + " | ".join("pyspark %s" % v for v in versions) + " |"
    L += [header, "|---|" + "---|" * len(versions)]
    fails = []
    for key, title in rows:
        cells = []
        for v in versions:
            r = data[v]["checks"].get(key)
            if r is None:
                setup = data[v].get("setup_error")
                if setup:
                    anchor = "fail-setup-%s" % v.replace(".", "-")
                    cells.append("❌ [venv](#%s)" % anchor)
                else:
                    cells.append("—")
            elif r["ok"]:
                cells.append("✅" + (" " + r["cell"] if r.get("cell") else ""))
            else:
                anchor = "fail-%s-%s" % (re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-"), v.replace(".", "-"))
                cells.append("❌ [why](#%s)" % anchor)
                fails.append((anchor, key, title, v, r))
        L.append("| %s | %s |" % (title, " | ".join(cells)))
    if notes.get("_summary"):
        L += ["", "**Summary (hand-written, fidelity/notes.json):** " + notes["_summary"]]
    L += ["", "Which run produced each column (item: date, command; `--report-only` only re-renders these results):", ""]
    for v in versions:
        runs = data[v].get("runs") or {}
        L.append("- pyspark %s: %s" % (v, "; ".join("%s %s" % (k, runs[k]) for k in ALL_ITEMS if k in runs) or "not run"))
    L += ["", "## How each check runs", "",
          "1. `java -jar tck/target-fidelity/kindling-tck.jar worker --profile <3.5/4.0: spark-3.5, 4.1: spark-4.1, "
          "4.2: spark-4.2, 4.3+: spark-4.3> --known-failures <list> -- fidelity/.venv-<v>/bin/python -m pyspark.daemon pyspark.worker`. "
          "The lists (`tck/known-failures/pyspark-*.txt`, `fidelity/known-failures/`) name every rule where Spark's "
          "worker differs from the spec, with the reason; a cell is green when the run prints `TCK PASSED` "
          "(no unlisted failure, no listed test that passes).",
          "2. `fidelity/jobs/spark_jobs.py` under the venv's `spark-submit`, once with Spark's own worker and once with "
          "`--conf spark.python.worker.module=kindling.worker --conf spark.python.daemon.module=kindling.daemon "
          "--conf spark.executorEnv.PYTHONPATH=$PWD/python:$PWD/fidelity/work/deps` (and the same `PYTHONPATH` in the "
          "driver's environment; `deps` holds `cloudpickle==3.1.1`, kindling's one dependency a pyspark-only Python lacks); "
          "each job's normalised result must be equal. The profile is derived by `kindling.worker` from the pyspark "
          "version it finds. `local-cluster` ships `python/kindling` as `fidelity/work/kindling-<v>.zip` (with cloudpickle 3.1.1) with `--py-files` "
          "and `spark.executorEnv.PYTHONPATH=<zip>` (executors are separate JVMs). See docs/moving-to-a-cluster.md.",
          "3. `fidelity/gateway_probe.py` with `SPARK_HOME=fidelity/work/fake-spark-home-<v>`, whose `bin/spark-submit` "
          "execs `java -cp <gateway jars> dev.kindling.gateway.KindlingGateway`: PySpark's own `launch_gateway()` "
          "creates the conn-info path, reads the file and authenticates.",
          "4. every `examples/*.py`: a copy with `from kindling import` → `from pyspark import` run by "
          "`spark-submit --master local[2]`, and the original run by `.venv/bin/python` with `PYTHONPATH=python`; "
          "stdout+stderr without log lines, compared exactly, else as sorted lines (order Spark does not define).",
          ""]
    gen = data[versions[0]].get("commands") if versions else None
    if gen:
        L += ["Commands of the last run for pyspark %s:" % versions[0], ""]
        L += ["- %s: `%s`" % (k, c) for k, c in gen.items()]
        L.append("")
    L += ["## Why a cell is red", ""]
    if not fails:
        L += ["No red cell.", ""]
    for anchor, key, title, v, r in fails:
        L += ['<a id="%s"></a>' % anchor, "### %s — pyspark %s" % (title, v), ""]
        note = note_for(notes, key, v)
        L += ["**Note:** " + note if note else "**Note:** (no hand-written note yet: see the output below)", ""]
        detail = (r.get("detail") or "").strip()
        if detail:
            detail = detail.replace(ROOT + "/", "").replace("```", "'''")
            lines = [ln for ln in detail.splitlines() if not re.match(r"^\s+at [\w$.<>/]+\(", ln)
                     and not re.match(r"^\s+\.\.\. \d+ more$", ln)]
            if len(lines) > 40:
                lines = lines[:15] + ["[... %d lines ...]" % (len(lines) - 35)] + lines[-20:]
            L += ["Output of the run:", "", "```", *lines, "```", ""]
    for v in versions:
        if data[v].get("setup_error"):
            L += ['<a id="fail-setup-%s"></a>' % v.replace(".", "-"), "### venv for pyspark %s" % v, "",
                  "```", data[v]["setup_error"][-3000:], "```", ""]
    L += ["## Known deviations of Spark's worker (TCK known-failures lists)", "",
          "A green TCK cell means: every required rule passed except those listed here, each with its reason "
          "(the list must shrink: a listed test that passes turns the cell red).", ""]
    lists = {}
    for v in versions:
        t = data[v]["checks"].get("tck")
        if t:
            L.append("- pyspark %s: `%s` — %s" % (v, t.get("known_failures"), (t.get("detail") or "").splitlines()[-1]))
            lists.setdefault(t.get("known_failures"), []).append(v)
    for path, vs in lists.items():
        full = os.path.join(ROOT, path)
        if os.path.exists(full):
            L += ["", "`%s` (pyspark %s):" % (path, ", ".join(vs)), "", "```"]
            L += [ln.rstrip() for ln in open(full, encoding="utf-8") if ln.strip()]
            L.append("```")
    L.append("")
    os.makedirs(os.path.dirname(DOC), exist_ok=True)
    with open(DOC, "w", encoding="utf-8") as f:
        f.write("\n".join(L))
    log("wrote %s (%d red cells)" % (os.path.relpath(DOC, ROOT), len(fails)))
    return len(fails)


# -- main -----------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("versions", nargs="*", default=["4.2.1", "4.1.1", "4.0.1", "3.5.8", "4.3.0"])
    ap.add_argument("--only", default=",".join(ALL_ITEMS))
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--parallel", type=int, default=1, help="run up to N versions at once (separate processes)")
    ap.add_argument("--no-report", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--tck-jar", default=os.environ.get("FIDELITY_TCK_JAR"))
    ap.add_argument("--gateway-classpath", default=os.environ.get("FIDELITY_GATEWAY_CP"))
    args = ap.parse_args()
    os.makedirs(RESULTS, exist_ok=True)
    items = args.only.split(",")
    argv = os.environ.get("FIDELITY_ARGV", "").split() or ["fidelity/run.sh"] + sys.argv[1:]
    if args.report_only:
        return 1 if write_matrix(args.versions, argv) else 0
    corpus = os.path.join(WORK, "corpus.txt")
    make_corpus(corpus)
    if args.parallel > 1 and len(args.versions) > 1:
        return run_parallel(args, argv)
    shared = {}
    for v in args.versions:
        path = os.path.join(RESULTS, "%s.json" % v)
        prev = json.load(open(path, encoding="utf-8")) if os.path.exists(path) else {"checks": {}}
        prev.pop("setup_error", None)
        log("pyspark %s: venv" % v)
        rc, text, secs = run(["timeout", "-k", "10", "900", os.path.join(FID, "setup-venv.sh"), v], 920)
        venv = os.path.join(FID, ".venv-%s" % v)
        if rc != 0:
            prev["setup_error"] = "fidelity/setup-venv.sh %s exited %s:\n%s" % (v, rc, tail(text))
            json.dump(prev, open(path, "w", encoding="utf-8"), indent=1)
            continue
        ctx = {"version": v, "venv": venv, "python": os.path.join(venv, "bin", "python"), "corpus": corpus,
               "tck_jar": args.tck_jar, "gateway_cp": args.gateway_classpath, "tck_timeout": 900, "shared": shared}
        checks = prev.setdefault("checks", {})
        for item, fn in (("tck", check_tck), ("spark", check_spark), ("cluster", check_cluster),
                         ("gateway", check_gateway), ("examples", check_examples)):
            if item not in items:
                continue
            log("pyspark %s: %s" % (v, item))
            started = time.time()
            try:
                got = fn(ctx)
            except Exception as e:  # noqa: BLE001 - a broken check is a red cell, not a crash
                import traceback
                got = {item: {"ok": False, "detail": "fidelity.py raised:\n" + traceback.format_exc()}}
            if item == "examples":
                for k in [k for k in checks if k.startswith("example")]:
                    del checks[k]
            cmds = got.pop("spark._commands", None)
            if cmds:
                prev["commands"] = {"item 2, Spark's worker": cmds["reference"], "item 2, kindling.worker": cmds["kindling"]}
            checks.update(got)
            prev.setdefault("runs", {})[item] = "%s, `%s`" % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                                              " ".join(argv))
            log("pyspark %s: %s done in %ds: %s" % (v, item, time.time() - started,
                                                   ", ".join("%s=%s" % (k, "ok" if r["ok"] else "FAIL") for k, r in got.items())))
            prev["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
            json.dump(prev, open(path, "w", encoding="utf-8"), indent=1)
    if args.no_report:
        return 0
    return 1 if write_matrix(args.versions, argv) else 0


def run_parallel(args, argv):
    """One child process per version (at most args.parallel at once); then the matrix."""
    pending, running = list(args.versions), []
    while pending or running:
        while pending and len(running) < args.parallel:
            v = pending.pop(0)
            child_argv = [sys.executable, os.path.abspath(__file__), "--only", args.only, "--no-report", v]
            if args.tck_jar:
                child_argv += ["--tck-jar", args.tck_jar]
            if args.gateway_classpath:
                child_argv += ["--gateway-classpath", args.gateway_classpath]
            # the child records the parent's command line as provenance
            env = dict(os.environ, FIDELITY_ARGV=" ".join(argv))
            running.append((v, subprocess.Popen(child_argv, env=env)))
            log("pyspark %s: started in its own process" % v)
        time.sleep(2)
        for v, proc in list(running):
            if proc.poll() is not None:
                log("pyspark %s: process ended (%s)" % (v, proc.returncode))
                running.remove((v, proc))
    return 1 if write_matrix(args.versions, argv) else 0


def make_corpus(path):
    """A deterministic text for word count (examples/data may still be empty)."""
    import random
    r = random.Random(8)
    words = ("the spark python worker kindling driver gateway shuffle broadcast accumulator task stage job "
             "partition executor daemon socket frame header secret").split()
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(3000):
            f.write(" ".join(r.choice(words).capitalize() if r.random() < 0.1 else r.choice(words)
                             for _ in range(r.randint(0, 12))) + "\n")


if __name__ == "__main__":
    sys.exit(main())
