"""Starts the Kindling JVM (or attaches to one) and connects to it with Py4J.

The role of PySpark's ``pyspark.java_gateway``; the environment variables and the conn-info file
are Spark's (``protocol-spec/spec/conn-info.md``, ``gateway.md``)::

    attach mode (CONN-1.1)                  launch mode (CONN-1.3)
      PYSPARK_GATEWAY_PORT + _SECRET          mkdtemp 0700 (CONN-4.8)
               |                              java ... dev.kindling.gateway.KindlingGateway
               |                                 stdin=PIPE, never written (CONN-4.9)
               |                                 _PYSPARK_DRIVER_CONN_INFO_PATH=<dir>/conn.info
               |                              poll file / child / deadline (CONN-4.1)
               |                              read_conn_info, rmtree(dir)
               v                                 v
      ClientServer (pinned) or JavaGateway, auto_convert=True (GW-1.3)

Finding the JVM side, first match wins:

1. ``KINDLING_GATEWAY_CLASSPATH``: an explicit classpath;
2. jars bundled in this package: ``kindling/jars/kindling-gateway*.jar`` plus ``kindling/jars/*.jar``
   and ``kindling/jars/lib/*.jar``;
3. ``$KINDLING_HOME/jars`` (same layout);
4. a source checkout: the newest ``gateway/target*/kindling-gateway-*.jar`` with its ``lib/``
   directory, produced by ``mvn -B -pl gateway -am package``.

Java is ``$JAVA_HOME/bin/java``, else ``java`` on ``PATH``. When ``mvn package`` left an AppCDS
archive next to the gateway jar and it matches that java and those jars, the JVM maps it
(``kindling.cds``).

Implements CONN-1.1, CONN-1.2, CONN-1.3, CONN-4.1 (bounded wait, exit code and output tail in
the error), CONN-4.8, CONN-4.9, GW-1.3, GW-3.2 (``GatewayGoneError`` within about 0.5 s once the
JVM is gone) and GW-3.3 (:func:`shutdown_gateway`).
"""
import collections
import glob
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from py4j.clientserver import ClientServer, JavaClient, JavaParameters, PythonParameters
from py4j.java_gateway import GatewayClient, GatewayParameters, JavaGateway
from py4j.protocol import Py4JError, Py4JNetworkError
from py4j import protocol as _proto

from kindling import cds, log_redaction
from kindling.protocol.conninfo import read_conn_info
from kindling.protocol.errors import ProtocolError

ENV_GATEWAY_PORT = "PYSPARK_GATEWAY_PORT"
ENV_GATEWAY_SECRET = "PYSPARK_GATEWAY_SECRET"
ENV_CONN_INFO_PATH = "_PYSPARK_DRIVER_CONN_INFO_PATH"
ENV_PIN_THREAD = "PYSPARK_PIN_THREAD"
ENV_CLASSPATH = "KINDLING_GATEWAY_CLASSPATH"
ENV_HOME = "KINDLING_HOME"
ENV_START_TIMEOUT = "KINDLING_GATEWAY_START_TIMEOUT"
ENV_SUBMIT_PID = "_KINDLING_SUBMIT_PID"

CONF_START_TIMEOUT = "spark.kindling.gateway.startTimeout"
CONF_JAVA_OPTIONS = "spark.driver.extraJavaOptions"
CONF_DRIVER_MEMORY = "spark.driver.memory"

MAIN_CLASS = "dev.kindling.gateway.KindlingGateway"
DEFAULT_START_TIMEOUT = 60.0
STDERR_TAIL_LINES = 40  # lines of JVM output kept for error messages
#: How long the next call may take to notice that the JVM has gone (GW-3.2 bound is 2 s).
GONE_CHECK_SECONDS = 0.5
#: How long ``shutdown_gateway`` waits for the JVM after closing its stdin.
SHUTDOWN_TIMEOUT = 5.0


class GatewayLaunchError(RuntimeError):
    """The JVM could not be started or did not publish its port (CONN-1.2, CONN-4.1).

    ``exit_code`` is the JVM's exit status (None if it was still running or never started) and
    ``stderr_tail`` the last lines of its standard error and output.
    """

    def __init__(self, message, exit_code=None, stderr_tail=()):
        tail = list(stderr_tail)
        if tail:
            message = "%s\nLast lines of the JVM's output:\n%s" % (
                message, "\n".join("  " + line for line in tail))
        super().__init__(message)
        self.exit_code = exit_code
        self.stderr_tail = tail


class GatewayGoneError(Py4JError):
    """GW-3.2: the JVM behind the gateway is no longer reachable."""


# --------------------------------------------------------------------------------------------
# Finding java and the jars


def find_java(env=None):
    """``$JAVA_HOME/bin/java``, else ``java`` on ``PATH``; raises GatewayLaunchError if neither."""
    env = os.environ if env is None else env
    java_home = env.get("JAVA_HOME")
    if java_home:
        candidate = os.path.join(java_home, "bin", "java")
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("java", path=env.get("PATH", os.defpath))
    if found:
        return found
    where = ("JAVA_HOME=%s has no bin/java and " % java_home) if java_home else "JAVA_HOME is not set and "
    raise GatewayLaunchError("cannot start the Kindling JVM: %sno 'java' is on PATH" % where)


def _jars_in(directory):
    """Classpath from a jars directory: the gateway jar first, then the rest and ``lib/``."""
    gateway = sorted(glob.glob(os.path.join(directory, "kindling-gateway*.jar")))
    if not gateway:
        return None
    rest = sorted(set(glob.glob(os.path.join(directory, "*.jar"))) - set(gateway))
    rest += sorted(glob.glob(os.path.join(directory, "lib", "*.jar")))
    return gateway[:1] + rest


def _source_checkout_jars():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    candidates = [
        path for path in glob.glob(os.path.join(root, "gateway", "target*", "kindling-gateway-*.jar"))
        if not path.endswith(("-sources.jar", "-tests.jar", "-javadoc.jar"))
        and os.path.isdir(os.path.join(os.path.dirname(path), "lib"))
    ]
    if not candidates:
        return None, root
    jar = max(candidates, key=os.path.getmtime)
    return [jar] + sorted(glob.glob(os.path.join(os.path.dirname(jar), "lib", "*.jar"))), root


def find_classpath(env=None):
    """The JVM classpath as a list of paths (see the module docstring for the search order)."""
    env = os.environ if env is None else env
    explicit = env.get(ENV_CLASSPATH)
    if explicit:
        return explicit.split(os.pathsep)
    bundled = _jars_in(os.path.join(os.path.dirname(os.path.abspath(__file__)), "jars"))
    if bundled:
        return bundled
    home = env.get(ENV_HOME)
    if home:
        jars = _jars_in(os.path.join(home, "jars"))
        if jars:
            return jars
    jars, root = _source_checkout_jars()
    if jars:
        return jars
    raise GatewayLaunchError(
        "cannot find the Kindling gateway jars: set %s or %s, install a package with "
        "kindling/jars, or build them in the source checkout %s with "
        "'mvn -B -pl gateway -am package'" % (ENV_CLASSPATH, ENV_HOME, root))


# --------------------------------------------------------------------------------------------
# Configuration


def _conf_get(conf, key, default=None):
    if conf is None:
        return default
    if isinstance(conf, dict):
        return conf.get(key, default)
    get = getattr(conf, "get", None)
    if get is not None:
        return get(key, default)
    return default


def _start_timeout(conf, env):
    raw = _conf_get(conf, CONF_START_TIMEOUT) or env.get(ENV_START_TIMEOUT)
    if raw in (None, ""):
        return DEFAULT_START_TIMEOUT
    text = str(raw).strip().lower()
    try:
        return float(text[:-1]) if text.endswith("s") else float(text)
    except ValueError:
        raise ValueError("%s: not a number of seconds: %r" % (CONF_START_TIMEOUT, raw)) from None


def _java_options(conf):
    opts = []
    memory = _conf_get(conf, CONF_DRIVER_MEMORY)
    if memory:
        opts.append("-Xmx" + str(memory))
    extra = _conf_get(conf, CONF_JAVA_OPTIONS)
    if extra:
        opts.extend(shlex.split(str(extra)))
    return opts


def _pinned(env):
    return env.get(ENV_PIN_THREAD, "true").lower() == "true"


# --------------------------------------------------------------------------------------------
# The JVM's standard error


class _OutputPump:
    """Echoes the JVM's stdout and stderr to ours and keeps their last lines for error messages.

    Both streams are watched because HotSpot reports start-up failures such as a bad ``-Xmx`` on
    standard output.
    """

    def __init__(self, streams):
        self._tail = collections.deque(maxlen=STDERR_TAIL_LINES)
        self._lock = threading.Lock()
        self._threads = []
        for stream, echo_name in streams:
            t = threading.Thread(target=self._run, args=(stream, echo_name),
                                 name="kindling-jvm-%s" % echo_name, daemon=True)
            t.start()
            self._threads.append(t)

    def _run(self, stream, echo_name):
        try:
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                with self._lock:
                    self._tail.append(line)
                echo = getattr(sys, echo_name, None)
                if echo is not None:
                    try:
                        echo.write(line + "\n")
                        echo.flush()
                    except (OSError, ValueError):
                        pass
        except (OSError, ValueError):
            pass
        finally:
            try:
                stream.close()
            except OSError:
                pass

    def join(self, timeout):
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))

    def tail(self):
        with self._lock:
            return list(self._tail)


# --------------------------------------------------------------------------------------------
# GW-3.2: a clear error once the JVM has gone


class _Liveness:
    def __init__(self, port, proc=None):
        self.port = port
        self.proc = proc
        self._gone_hooks = []
        self._hooks_lock = threading.Lock()

    def add_gone_hook(self, hook):
        """``hook(reason)`` runs once, the first time :meth:`gone` finds the JVM gone."""
        with self._hooks_lock:
            self._gone_hooks.append(hook)

    def gone(self):
        """A sentence saying why the JVM is unreachable, or None when it still seems alive."""
        reason = self._why_gone()
        if reason:
            with self._hooks_lock:
                hooks, self._gone_hooks = self._gone_hooks, []
            for hook in hooks:
                try:
                    hook(reason)
                except Exception as e:  # cleanup must not hide the GW-3.2 error
                    print("kindling: cleanup after the JVM had gone failed: %s" % e, file=sys.stderr)
        return reason

    def _why_gone(self):
        if self.proc is not None:
            try:
                code = self.proc.wait(timeout=GONE_CHECK_SECONDS)
            except subprocess.TimeoutExpired:
                return None
            return ("GW-3.2: the Kindling JVM (pid %d) is no longer reachable: it exited with code %s"
                    % (self.proc.pid, code))
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=GONE_CHECK_SECONDS):
                return None
        except OSError as e:
            return ("GW-3.2: the Kindling JVM is no longer reachable: cannot connect to its gateway "
                    "port %d (%s)" % (self.port, e.strerror or e))


def _guarded(client_class):
    class Guarded(client_class):
        kindling_liveness = None

        def send_command(self, command, *args, **kwargs):
            try:
                response = super().send_command(command, *args, **kwargs)
            except (Py4JNetworkError, OSError) as e:
                # OSError: a fresh connection was refused before py4j's own error handling.
                reason = self.kindling_liveness and self.kindling_liveness.gone()
                if reason:
                    raise GatewayGoneError(reason) from e
                raise
            if response == _proto.ERROR and self.kindling_liveness is not None:
                reason = self.kindling_liveness.gone()
                if reason:
                    raise GatewayGoneError(reason)
            return response

    Guarded.__name__ = "Kindling" + client_class.__name__
    return Guarded


_GuardedJavaClient = _guarded(JavaClient)
_GuardedGatewayClient = _guarded(GatewayClient)


class KindlingClientServer(ClientServer):
    """Py4J ClientServer (pinned threads) whose calls fail clearly once the JVM is gone."""

    def __init__(self, liveness, *args, **kwargs):
        self._kindling_liveness = liveness
        super().__init__(*args, **kwargs)

    def _create_gateway_client(self):
        client = _GuardedJavaClient(
            self.java_parameters, self.python_parameters,
            finalizer_deque=self._create_finalizer_worker())
        client.kindling_liveness = self._kindling_liveness
        return client


class KindlingJavaGateway(JavaGateway):
    """Py4J JavaGateway (unpinned) whose calls fail clearly once the JVM is gone."""

    def __init__(self, liveness, *args, **kwargs):
        self._kindling_liveness = liveness
        super().__init__(*args, **kwargs)

    def _create_gateway_client(self):
        client = _GuardedGatewayClient(gateway_parameters=self.gateway_parameters)
        client.kindling_liveness = self._kindling_liveness
        return client


def connect(port, secret, proc=None, env=None):
    """GW-1.3: connects in the mode ``PYSPARK_PIN_THREAD`` selects."""
    env = os.environ if env is None else env
    log_redaction.install()  # WRK-2.7: py4j logs its auth command (the secret) at DEBUG
    liveness = _Liveness(port, proc)
    if _pinned(env):
        gateway = KindlingClientServer(
            liveness,
            java_parameters=JavaParameters(port=port, auth_token=secret, auto_convert=True),
            python_parameters=PythonParameters(port=0, eager_load=False))
    else:
        gateway = KindlingJavaGateway(
            liveness,
            gateway_parameters=GatewayParameters(port=port, auth_token=secret, auto_convert=True))
    gateway.proc = proc
    return gateway


# --------------------------------------------------------------------------------------------
# Launch


def _ignore_sigint():
    # Ctrl-C in the driver's terminal must reach the driver only (PySpark does the same).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _watch_submit_parent(pid_text):
    """kindling-submit: exit if the JVM that started this driver dies without telling us."""
    try:
        parent = int(pid_text)
    except ValueError:
        return
    if os.getppid() != parent:
        return

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="kindling-submit-parent-watch", daemon=True).start()


def _attach(env):
    port_text = env[ENV_GATEWAY_PORT]
    secret = env.get(ENV_GATEWAY_SECRET)
    if secret is None:
        raise GatewayLaunchError(
            "CONN-1.2: %s is set but %s is not; both are needed to attach to a running JVM"
            % (ENV_GATEWAY_PORT, ENV_GATEWAY_SECRET))
    try:
        port = int(port_text)
    except ValueError:
        raise GatewayLaunchError("%s is not a port number: %r" % (ENV_GATEWAY_PORT, port_text)) from None
    if not 1 <= port <= 65535:
        raise GatewayLaunchError("%s=%d is outside 1..65535" % (ENV_GATEWAY_PORT, port))
    if env.get(ENV_SUBMIT_PID):
        _watch_submit_parent(env[ENV_SUBMIT_PID])
    return connect(port, secret, None, env)


def launch_gateway(conf=None, popen_kwargs=None):
    """Starts the Kindling JVM (or attaches to it) and returns a connected Py4J gateway.

    ``conf`` is a dict (or an object with ``get(key, default)``); it may set
    ``spark.kindling.gateway.startTimeout`` (seconds, default 60, also env
    ``KINDLING_GATEWAY_START_TIMEOUT``), ``spark.driver.memory`` and
    ``spark.driver.extraJavaOptions``. ``popen_kwargs`` are passed to :class:`subprocess.Popen`.

    The returned gateway has ``.proc`` (None in attach mode). Stop it with
    :func:`shutdown_gateway`.
    """
    env = os.environ
    if ENV_GATEWAY_PORT in env:
        return _attach(env)

    timeout = _start_timeout(conf, env)
    java = find_java(env)
    classpath = find_classpath(env)
    user_options = _java_options(conf)
    cds_options, classpath = cds.archive_options(java, classpath, env, user_options)
    command = [java] + cds_options + user_options + ["-cp", os.pathsep.join(classpath), MAIN_CLASS]

    conn_dir = tempfile.mkdtemp(prefix="kindling-gateway-")
    proc = None
    pump = None
    try:
        os.chmod(conn_dir, 0o700)
        conn_path = os.path.join(conn_dir, "conn.info")
        child_env = dict(env)
        child_env[ENV_CONN_INFO_PATH] = conn_path
        kwargs = dict(popen_kwargs or {})
        kwargs.setdefault("stdin", subprocess.PIPE)
        kwargs.setdefault("stdout", subprocess.PIPE)
        kwargs.setdefault("stderr", subprocess.PIPE)
        kwargs.setdefault("env", child_env)
        if os.name == "posix":
            kwargs.setdefault("preexec_fn", _ignore_sigint)
        try:
            proc = subprocess.Popen(command, **kwargs)
        except OSError as e:
            raise GatewayLaunchError("cannot start the Kindling JVM %s: %s" % (java, e)) from e
        streams = [(st, name) for st, name in ((proc.stdout, "stdout"), (proc.stderr, "stderr"))
                   if st is not None]
        if streams:
            pump = _OutputPump(streams)

        def tail():
            if pump is None:
                return []
            pump.join(0.5)
            return pump.tail()

        deadline = time.monotonic() + timeout
        while not os.path.isfile(conn_path):
            code = proc.poll()
            if code is not None:
                raise GatewayLaunchError(
                    "CONN-4.1: the Kindling JVM exited with code %d before publishing its "
                    "gateway port" % code, code, tail())
            if time.monotonic() >= deadline:
                _kill(proc)
                raise GatewayLaunchError(
                    "CONN-4.1: timed out after %gs waiting for the Kindling JVM to publish its "
                    "gateway port (set %s or %s to wait longer)"
                    % (timeout, CONF_START_TIMEOUT, ENV_START_TIMEOUT), proc.returncode, tail())
            time.sleep(0.01)
        try:
            info = read_conn_info(conn_path)
        except (ProtocolError, OSError) as e:
            _kill(proc)
            raise GatewayLaunchError("the Kindling JVM published an unusable conn-info file: %s" % e,
                                     proc.returncode, tail()) from e
    except BaseException:
        if proc is not None and proc.poll() is None:
            _kill(proc)
        _close_pipes(proc)
        raise
    finally:
        shutil.rmtree(conn_dir, ignore_errors=True)

    try:
        gateway = connect(info.port, info.secret, proc, env)
    except BaseException:
        _kill(proc)
        _close_pipes(proc)
        raise
    gateway.kindling_output = pump
    return gateway


def _kill(proc):
    try:
        proc.kill()
    except OSError:
        pass
    try:
        proc.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        pass


def _close_pipes(proc):
    if proc is None:
        return
    for stream in (proc.stdin,):
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass


def shutdown_gateway(gateway, timeout=SHUTDOWN_TIMEOUT):
    """GW-3.3: closes the gateway; if this process started the JVM, stops it and waits for it.

    The JVM is told by closing its standard input (CONN-4.9, GW-3.1); if it has not exited within
    ``timeout`` seconds it is killed. Returns the JVM's exit code (None in attach mode).
    """
    proc = getattr(gateway, "proc", None)
    try:
        if proc is not None:
            gateway.shutdown()
        else:
            gateway.close()
    except Py4JError:
        pass
    if proc is None:
        return None
    try:
        if proc.stdin is not None:
            proc.stdin.close()
    except OSError:
        pass
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = proc.wait(timeout=timeout)
    pump = getattr(gateway, "kindling_output", None)
    if pump is not None:
        pump.join(1.0)
    return code


def _main(argv):
    """``python -m kindling.java_gateway --classpath``: prints the JVM classpath; ``--java`` prints
    the java executable; ``--launch-command`` prints java, the AppCDS options and ``-cp CLASSPATH``
    one a line (used by ``bin/kindling-submit``); ``--read-conn-info PATH``
    reads a conn-info file as :func:`launch_gateway` does and prints its port, or exits 1 with the
    broken rule (the TCK's conn-info reader command)."""
    if len(argv) == 3 and argv[1] == "--read-conn-info":
        try:
            print(read_conn_info(argv[2]).port)
            return 0
        except (ProtocolError, OSError) as e:
            print("kindling: %s" % e, file=sys.stderr)
            return 1
    try:
        if argv[1:] == ["--classpath"]:
            print(os.pathsep.join(find_classpath()))
            return 0
        if argv[1:] == ["--java"]:
            print(find_java())
            return 0
        if argv[1:] == ["--launch-command"]:
            # bin/kindling-submit: java, the AppCDS options (kindling.cds), -cp CLASSPATH, one a
            # line, in one interpreter start instead of one per item.
            java = find_java()
            user = shlex.split(os.environ.get("KINDLING_SUBMIT_JAVA_OPTS", ""))
            options, classpath = cds.archive_options(java, find_classpath(), os.environ, user)
            print("\n".join([java] + options + ["-cp", os.pathsep.join(classpath)]))
            return 0
    except GatewayLaunchError as e:
        print("kindling: %s" % e, file=sys.stderr)
        return 1
    print("usage: python -m kindling.java_gateway --classpath | --java | --launch-command | "
          "--read-conn-info PATH",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
