"""The gateway's AppCDS archive (issue 16): the launcher passes it only while it matches the java
and the jars it was built from, and no archive — absent, stale, truncated, corrupt or rejected by
the JVM — ever breaks start-up or prints a line."""
import os
import shutil
import subprocess
import sys

import pytest

from kindling import cds, java_gateway
from kindling.protocol import time_factor


def _size_mtime(path):
    st = os.stat(path)
    return "%d\t%d" % (st.st_size, st.st_mtime_ns // 1_000_000)


def _write_stamp(archive, java, classpath, jvm=None):
    """A stamp in CdsArchiveBuilder's format, for layouts made by the tests."""
    lines = ["kindling-cds\t1", "java\t" + os.path.realpath(java)]
    lines.append("jvm\t-" if jvm is None else "jvm\t%s\t%s" % (_size_mtime(jvm), os.path.realpath(jvm)))
    lines.append("archive\t" + _size_mtime(archive))
    lines += ["classpath\t%s\t%s" % (_size_mtime(p), p) for p in classpath]
    with open(cds.stamp_path(archive), "w") as f:
        f.write("\n".join(lines) + "\n")


@pytest.fixture
def layout(tmp_path):
    """A fake JDK and jar layout with a matching archive and stamp."""
    jdk = tmp_path / "jdk"
    (jdk / "bin").mkdir(parents=True)
    (jdk / "lib" / "server").mkdir(parents=True)
    java = jdk / "bin" / "java"
    java.write_text("#!/bin/sh\n")
    libjvm = jdk / "lib" / "server" / "libjvm.so"
    libjvm.write_bytes(b"\x7fELF" + b"\0" * 100)
    target = tmp_path / "target"
    (target / "lib").mkdir(parents=True)
    jar = target / "kindling-gateway-1.0.jar"
    jar.write_bytes(b"PK jar")
    libs = [target / "lib" / "a.jar", target / "lib" / "b.jar"]
    for lib in libs:
        lib.write_bytes(b"PK " + lib.name.encode())
    classpath = [str(jar)] + [str(p) for p in libs]
    archive = target / "kindling-gateway-1.0.jsa"
    archive.write_bytes(b"archive bytes" * 100)
    _write_stamp(str(archive), str(java), classpath, str(libjvm))
    return {"java": str(java), "libjvm": libjvm, "classpath": classpath, "archive": archive, "jar": jar}


def _options(layout, env=None, user=()):
    return cds.archive_options(layout["java"], layout["classpath"], env or {}, list(user))


def test_matching_archive_gives_the_option_and_the_dump_time_classpath(layout):
    options, classpath = _options(layout)
    assert options[0] == "-XX:SharedArchiveFile=" + str(layout["archive"])
    assert "-Xshare:auto" in options and "-Xlog:cds=off" in options
    assert classpath == layout["classpath"]


def test_absent_archive_or_stamp_gives_nothing(layout):
    os.unlink(cds.stamp_path(str(layout["archive"])))
    assert _options(layout) == ([], layout["classpath"])
    layout["archive"].unlink()
    assert _options(layout) == ([], layout["classpath"])


def test_rebuilt_jar_makes_the_archive_stale(layout):
    assert _options(layout)[0]
    st = os.stat(layout["jar"])
    os.utime(layout["jar"], ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert _options(layout) == ([], layout["classpath"])


def test_changed_lib_jar_or_other_jar_list_makes_it_stale(layout):
    assert _options(layout)[0]
    lib = layout["classpath"][2]
    with open(lib, "ab") as f:
        f.write(b"more")
    assert _options(layout)[0] == []
    layout2 = dict(layout, classpath=layout["classpath"][:2])
    assert cds.archive_options(layout2["java"], layout2["classpath"], {}, [])[0] == []


def test_truncated_or_replaced_archive_is_not_offered(layout):
    assert _options(layout)[0]
    with open(layout["archive"], "r+b") as f:
        f.truncate(10)
    assert _options(layout)[0] == []


def test_other_java_or_updated_jvm_is_not_offered(layout, tmp_path):
    other = tmp_path / "other-java"
    other.write_text("#!/bin/sh\n")
    assert cds.archive_options(str(other), layout["classpath"], {}, [])[0] == []
    assert _options(layout)[0]
    layout["libjvm"].write_bytes(b"\x7fELF updated")
    assert _options(layout)[0] == []


@pytest.mark.parametrize("stamp", ["", "garbage\n", "kindling-cds\t2\n", "kindling-cds\t1\njava\t/x\n",
                                   "kindling-cds\t1\njava\t/x\njvm\t-\narchive\tnot-a-number\t1\n"])
def test_corrupt_stamp_gives_nothing(layout, stamp):
    with open(cds.stamp_path(str(layout["archive"])), "w") as f:
        f.write(stamp)
    assert _options(layout) == ([], layout["classpath"])


def test_switched_off_by_env_or_by_the_users_own_cds_options(layout):
    assert _options(layout, env={"KINDLING_CDS": "0"})[0] == []
    assert _options(layout, env={"KINDLING_CDS": "false"})[0] == []
    assert _options(layout, user=["-Xshare:off"])[0] == []
    assert _options(layout, user=["-XX:SharedArchiveFile=/mine.jsa"])[0] == []
    assert _options(layout, env={"KINDLING_CDS": "1"}, user=["-Xmx1g"])[0]


# ---- with the real JVM and the archive `mvn package` built

def _built_archive():
    try:
        classpath = java_gateway.find_classpath()
        java = java_gateway.find_java()
    except java_gateway.GatewayLaunchError as e:
        pytest.skip(str(e))
    if not classpath[0].endswith(".jar"):
        pytest.skip("KINDLING_GATEWAY_CLASSPATH is not the packaged layout")
    return java, classpath


def test_package_builds_an_archive_the_launcher_accepts():
    java, classpath = _built_archive()
    archive = cds.archive_path(classpath[0])
    assert os.path.isfile(archive), "mvn package left no %s (see its .log)" % archive
    options, _ = cds.archive_options(java, classpath, {}, [])
    assert options and options[0] == "-XX:SharedArchiveFile=" + archive


_DRIVER = r"""
import sys
from kindling import java_gateway
gw = java_gateway.launch_gateway({"spark.driver.extraJavaOptions": sys.argv[1]} if sys.argv[1] else None)
ctx = gw.entry_point.createContext({"spark.master": "local[1]", "spark.app.name": "cds",
                                    "spark.ui.enabled": "false"})
assert ctx.defaultParallelism() == 1
ctx.stop()
print("exit", java_gateway.shutdown_gateway(gw))
"""


def _run_driver(env, java_options=""):
    full = dict(os.environ)
    full.pop("PYSPARK_GATEWAY_PORT", None)
    full.update(env)
    return subprocess.run([sys.executable, "-c", _DRIVER, java_options], env=full, capture_output=True,
                          text=True, timeout=time_factor.scaled(120))


def test_the_jvm_maps_the_package_time_archive(tmp_path):
    java, classpath = _built_archive()
    if not cds.archive_options(java, classpath, {}, [])[0]:
        pytest.fail("no usable package-time archive")
    log = tmp_path / "classes.log"
    out = _run_driver({}, "-Xlog:class+load=info:file=%s" % log)
    assert out.returncode == 0 and out.stdout == "exit 0\n", out.stdout + out.stderr
    shared = [line for line in log.read_text().splitlines()
              if "dev.kindling.gateway.KindlingContext " in line]
    assert shared and "shared objects file (top)" in shared[0], shared


def _copied_layout(tmp_path, classpath):
    """The packaged jars copied (mtimes kept) to another directory: an archive dumped for the
    original paths does not match them."""
    target = tmp_path / "copy" / "target"
    (target / "lib").mkdir(parents=True)
    copied = [str(target / os.path.basename(classpath[0]))]
    shutil.copy2(classpath[0], copied[0])
    for p in classpath[1:]:
        copied.append(str(target / "lib" / os.path.basename(p)))
        shutil.copy2(p, copied[-1])
    return copied


@pytest.mark.parametrize("kind", ["corrupt", "truncated", "other-classpath", "empty"])
def test_an_archive_the_jvm_rejects_starts_quietly(tmp_path, kind):
    """The stamp claims a match but the JVM rejects the archive (a truncated one: the stamp no longer
    matches): start-up works, no output."""
    java, classpath = _built_archive()
    copied = _copied_layout(tmp_path, classpath)
    archive = cds.archive_path(copied[0])
    real = cds.archive_path(classpath[0])
    if kind == "corrupt":
        with open(archive, "wb") as f:
            f.write(os.urandom(64 * 1024))
    elif kind == "empty":
        open(archive, "wb").close()
    elif kind == "truncated":
        # JDK 17 maps a truncated archive and dies of SIGBUS: only the stamp's size keeps it out.
        if not os.path.isfile(real):
            pytest.fail("mvn package left no archive")
        shutil.copy2(real, archive)
    else:
        if not os.path.isfile(real):
            pytest.fail("mvn package left no archive")
        shutil.copy2(real, archive)
    libjvm = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(java))), "lib", "server", "libjvm.so")
    _write_stamp(archive, java, copied, libjvm if os.path.isfile(libjvm) else None)
    assert cds.archive_options(java, copied, {}, [])[0], "the stamp must let the archive through"
    if kind == "truncated":
        with open(archive, "r+b") as f:
            f.truncate(os.path.getsize(real) // 3)
        assert cds.archive_options(java, copied, {}, [])[0] == []
    out = _run_driver({"KINDLING_GATEWAY_CLASSPATH": os.pathsep.join(copied)})
    assert out.returncode == 0, out.stderr
    assert out.stdout == "exit 0\n"
    assert out.stderr == ""


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def test_launch_command_lists_java_cds_options_and_classpath():
    java, classpath = _built_archive()
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-m", "kindling.java_gateway", "--launch-command"], env=env,
                         capture_output=True, text=True, timeout=time_factor.scaled(60))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.rstrip("\n").split("\n")
    assert lines[0] == java and lines[-2] == "-cp"
    options, cp = cds.archive_options(java, classpath, env, [])
    assert lines[1:-2] == options and lines[-1] == os.pathsep.join(cp)
    env["KINDLING_CDS"] = "0"
    out = subprocess.run([sys.executable, "-m", "kindling.java_gateway", "--launch-command"], env=env,
                         capture_output=True, text=True, timeout=time_factor.scaled(60))
    assert out.stdout.rstrip("\n").split("\n") == [java, "-cp", os.pathsep.join(classpath)]


def test_kindling_submit_maps_the_archive_too(tmp_path):
    java, classpath = _built_archive()
    if not cds.archive_options(java, classpath, {}, [])[0]:
        pytest.fail("no usable package-time archive")
    app = tmp_path / "app.py"
    app.write_text("from kindling import SparkContext\n"
                   "sc = SparkContext.getOrCreate()\nprint(sc.parallelize(range(10)).count())\nsc.stop()\n")
    log = tmp_path / "classes.log"
    env = dict(os.environ, KINDLING_SUBMIT_JAVA_OPTS="-Xlog:class+load=info:file=%s" % log)
    env.pop("PYSPARK_GATEWAY_PORT", None)
    out = subprocess.run([os.path.join(REPO, "bin", "kindling-submit"), str(app)], env=env,
                         capture_output=True, text=True, timeout=time_factor.scaled(120))
    assert out.returncode == 0 and out.stdout.strip().endswith("10"), out.stdout + out.stderr
    shared = [line for line in log.read_text().splitlines() if "dev.kindling.gateway.KindlingGateway " in line]
    assert shared and "shared objects file (top)" in shared[0], shared
