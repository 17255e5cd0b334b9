"""The gateway's AppCDS archive: the JVM options that use it, when it matches what will run.

``mvn package`` leaves a dynamic class-data-sharing archive next to the gateway jar
(``dev.kindling.gateway.CdsArchiveBuilder``); starting the JVM with it maps the classes a cold
start needs instead of loading and verifying them from the jars (issue 16). Its stamp says what
it was built from, one item a line, tab-separated::

    kindling-cds  1
    java          <real path of the java that dumped it>
    jvm           <size> <mtime ms> <real path of libjvm.so>     (or "jvm -")
    archive       <size> <mtime ms>
    classpath     <size> <mtime ms> <path as given to -cp>      (one line per entry, in order)

:func:`archive_options` offers the archive only when every line still holds for the java and the
classpath the launcher is about to use, and then returns the classpath exactly as it was at dump
time (HotSpot compares the paths). Anything else — no archive, a rebuilt jar, another JDK, a
truncated or unreadable archive or stamp — gives no options (the archive's size matters most:
HotSpot 17 maps a truncated archive and dies of SIGBUS): the JVM starts as it would without
an archive. The CDS log tags are silenced as well, so that an archive the JVM still rejects
(``-Xshare:auto``) costs nothing but the time, never a line on the user's terminal.

``KINDLING_CDS=0`` (or ``false``/``off``) turns the archive off; a ``-XX:SharedArchiveFile`` or
``-Xshare`` option of the user's own (``spark.driver.extraJavaOptions``) wins over it.
"""
import os

ENV_CDS = "KINDLING_CDS"
STAMP_HEADER = ("kindling-cds", "1")
#: Unified-logging selections that would otherwise print CDS warnings (they go to stdout).
QUIET_OPTIONS = ("-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-Xlog:class+path=off")


def archive_path(jar):
    """The archive next to ``jar``: ``name.jar`` gives ``name.jsa``."""
    base = jar[:-4] if jar.endswith(".jar") else jar
    return base + ".jsa"


def stamp_path(archive):
    return archive + ".stamp"


def _size_mtime(path):
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns // 1_000_000


def _read_stamp(path):
    """(java, jvm, archive, classpath) from a stamp file; raises ValueError when malformed."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if not lines or tuple(lines[0].split("\t")) != STAMP_HEADER:
        raise ValueError("not a kindling-cds stamp")
    java = jvm = archive = None
    classpath = []
    for line in lines[1:]:
        if not line:
            continue
        kind, _, rest = line.partition("\t")
        fields = rest.split("\t")
        if kind == "java" and len(fields) == 1:
            java = fields[0]
        elif kind == "jvm" and fields == ["-"]:
            jvm = "-"
        elif kind == "jvm" and len(fields) == 3:
            jvm = (int(fields[0]), int(fields[1]), fields[2])
        elif kind == "archive" and len(fields) == 2:
            archive = (int(fields[0]), int(fields[1]))
        elif kind == "classpath" and len(fields) == 3:
            classpath.append((int(fields[0]), int(fields[1]), fields[2]))
        else:
            raise ValueError("unexpected stamp line %r" % line)
    if java is None or jvm is None or archive is None or not classpath:
        raise ValueError("incomplete stamp")
    return java, jvm, archive, classpath


def _disabled(env, user_options):
    if str(env.get(ENV_CDS, "")).strip().lower() in ("0", "false", "off", "no"):
        return True
    return any(o.startswith(("-XX:SharedArchiveFile", "-Xshare", "-XX:ArchiveClassesAtExit"))
               for o in user_options)


def archive_options(java, classpath, env=None, user_options=()):
    """``(options, classpath)`` for starting ``java`` on ``classpath`` (a list of paths):
    the CDS options and the dump-time classpath when the archive next to ``classpath[0]``
    matches, else ``([], classpath)`` unchanged. Never raises."""
    env = os.environ if env is None else env
    try:
        if not classpath or _disabled(env, user_options):
            return [], classpath
        archive = archive_path(classpath[0])
        stamp = stamp_path(archive)
        if not (os.path.isfile(archive) and os.path.isfile(stamp)):
            return [], classpath
        want_java, want_jvm, want_archive, want_cp = _read_stamp(stamp)
        real_java = os.path.realpath(java)
        if real_java != want_java:
            return [], classpath
        if want_jvm != "-":
            libjvm = os.path.join(os.path.dirname(os.path.dirname(real_java)), "lib", "server", "libjvm.so")
            if (os.path.realpath(libjvm) != want_jvm[2]
                    or _size_mtime(libjvm) != (want_jvm[0], want_jvm[1])):
                return [], classpath
        if _size_mtime(archive) != want_archive:
            return [], classpath
        if len(want_cp) != len(classpath):
            return [], classpath
        for entry, (size, mtime, path) in zip(classpath, want_cp):
            if os.path.realpath(entry) != os.path.realpath(path) or _size_mtime(entry) != (size, mtime):
                return [], classpath
        return ["-XX:SharedArchiveFile=" + archive] + list(QUIET_OPTIONS), [p for _, _, p in want_cp]
    except (OSError, ValueError):
        return [], classpath
