"""Helpers of the worker and the daemon: profile choice, environment, authenticated sockets,
exception formatting, and the bridge to a ``pyspark`` installation when one is importable.

Why the bridge: inside real Apache Spark the commands are pickled by the real PySpark driver, so
they refer to ``pyspark.broadcast._from_id``, ``pyspark.accumulators._deserialize_accumulator``,
``pyspark.TaskContext`` and ``pyspark.SparkFiles``. For ``kindling.worker`` to stand in for
``pyspark.worker`` it fills and reads PySpark's registries as well as its own.
"""
import importlib
import importlib.util
import os
import socket
import sys
import traceback
import types

from kindling.protocol import auth as _auth
from kindling.protocol.constants import Defaults, Env
from kindling.protocol.profiles import Profile

__all__ = [
    "resolve_profile", "profile_for_pyspark_version", "auth_socket_timeout", "buffer_size",
    "local_connect_and_auth", "SocketStream", "format_exception", "check_python_version",
    "setup_memory_limits", "pyspark_present", "pyspark_modules", "add_path",
]

# -- profiles --------------------------------------------------------------------------------


def profile_for_pyspark_version(version):
    """The wire profile of a PySpark release: 3.x and 4.0 speak spark-3.5's bytes, 4.1 its own,
    4.2 spark-4.2's, 4.3 and later spark-4.3's (the init message, WRK-4.10)."""
    parts = []
    for piece in str(version).split(".")[:2]:
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        parts.append(int(digits) if digits else 0)
    while len(parts) < 2:
        parts.append(0)
    major, minor = parts
    if (major, minor) >= (4, 3):
        return Profile.SPARK_4_3
    if (major, minor) == (4, 2):
        return Profile.SPARK_4_2
    if (major, minor) == (4, 1):
        return Profile.SPARK_4_1
    return Profile.SPARK_3_5


def resolve_profile(environ=None):
    """The profile this worker speaks: env ``KINDLING_PROTOCOL_PROFILE`` if set; else the version
    of an importable ``pyspark`` (we are then most likely running inside that Spark); else the
    default (spark-4.2)."""
    environ = os.environ if environ is None else environ
    configured = environ.get(Env.KINDLING_PROFILE)
    if configured:
        return Profile.parse(configured)
    version = pyspark_version()
    if version is not None:
        return profile_for_pyspark_version(version)
    return Profile.parse(Defaults.PROFILE)


# -- the pyspark bridge ------------------------------------------------------------------------

_pyspark_state = {}


def _reset_pyspark_cache():
    """Forgets what was found about ``pyspark`` (tests put a stand-in on sys.path)."""
    _pyspark_state.clear()


def pyspark_present():
    """Whether a ``pyspark`` package can be imported (looked up once per process)."""
    if "present" not in _pyspark_state:
        try:
            present = importlib.util.find_spec("pyspark") is not None
        except (ImportError, ValueError):
            present = False
        _pyspark_state["present"] = present
    return _pyspark_state["present"]


def pyspark_version():
    """``pyspark.__version__`` when pyspark is importable, else None."""
    if "version" not in _pyspark_state:
        version = None
        if pyspark_present():
            try:
                version = getattr(importlib.import_module("pyspark.version"), "__version__", None)
            except Exception:
                version = None
            if version is None:
                try:
                    version = getattr(importlib.import_module("pyspark"), "__version__", None)
                except Exception:
                    version = None
        _pyspark_state["version"] = version
    return _pyspark_state["version"]


def pyspark_modules(*names):
    """The importable modules among ``names`` (empty without pyspark). Modules that are the same
    object, or re-export the same registry, are the caller's concern."""
    if not pyspark_present():
        return []
    found = []
    for name in names:
        key = "module:" + name
        if key not in _pyspark_state:
            try:
                _pyspark_state[key] = importlib.import_module(name)
            except Exception:
                _pyspark_state[key] = None
        if _pyspark_state[key] is not None:
            found.append(_pyspark_state[key])
    return found


def loaded_modules(*names):
    """The modules among ``names`` that are already imported (never imports anything)."""
    return [sys.modules[n] for n in names if sys.modules.get(n) is not None]


# -- environment -------------------------------------------------------------------------------


def auth_socket_timeout():
    """Seconds for connecting and authenticating (env SPARK_AUTH_SOCKET_TIMEOUT, default 15)."""
    return int(os.environ.get(Env.AUTH_SOCKET_TIMEOUT, Defaults.AUTH_SOCKET_TIMEOUT_SECONDS))


def buffer_size():
    """Socket stream buffer size (env SPARK_BUFFER_SIZE, default 65536)."""
    return int(os.environ.get(Env.BUFFER_SIZE, Defaults.BUFFER_SIZE))


def add_path(path):
    """Puts ``path`` on sys.path right after the script directory, once; True when it did."""
    if path not in sys.path:
        sys.path.insert(1, path)
        return True
    return False


def setup_memory_limits(memory_limit_mb):
    """Caps the address space (soft and hard) at the executor's PySpark memory, when that is lower
    than the current soft limit or the current limit is unlimited; as PySpark does."""
    if not memory_limit_mb or memory_limit_mb <= 0:
        return
    try:
        import resource
    except ImportError:
        return
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        new_limit = memory_limit_mb * 1024 * 1024
        if soft == resource.RLIM_INFINITY or new_limit < soft:
            resource.setrlimit(resource.RLIMIT_AS, (new_limit, new_limit))
    except (ValueError, OSError) as e:
        print("WARN: Failed to set memory limit: %s" % e, file=sys.stderr)


def check_python_version(driver_version):
    """WRK-4.2: the driver's ``major.minor`` must be ours."""
    worker_version = "%d.%d" % sys.version_info[:2]
    if driver_version != worker_version:
        raise RuntimeError(
            "[PYTHON_VERSION_MISMATCH] Python in worker has different version: %s than that in "
            "driver: %s, PySpark cannot run with different minor versions.\nPlease check "
            "environment variables PYSPARK_PYTHON and PYSPARK_DRIVER_PYTHON are correctly set."
            % (worker_version, driver_version))


# -- sockets -----------------------------------------------------------------------------------


class SocketStream:
    """An unbuffered binary stream over a socket: ``read(n)`` never reads past what is asked (so
    no task bytes are swallowed during authentication), ``write`` sends everything."""

    def __init__(self, sock):
        self._sock = sock

    def read(self, n):
        return self._sock.recv(n)

    def write(self, data):
        self._sock.sendall(data)
        return len(data)

    def flush(self):
        pass


def local_connect_and_auth(conn_info, secret, timeout=None):
    """Connects to a JVM server on loopback and authenticates as client (WRK-2.1, WRK-2.4).

    ``conn_info`` is a TCP port, or a Unix socket path (Spark 4.1+), for which no authentication
    takes place. Returns ``(sock_file, sock)``; ``sock`` keeps the connect/auth timeout, the
    caller decides what a long read may wait.
    """
    timeout = auth_socket_timeout() if timeout is None else timeout
    bufsize = buffer_size()
    if isinstance(conn_info, str):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(conn_info)
        except OSError:
            sock.close()
            raise
        return sock.makefile("rwb", bufsize), sock
    errors = []
    host = "::1" if os.environ.get(Env.PREFER_IPV6, "false").lower() == "true" else "127.0.0.1"
    for family, socktype, proto, _, address in socket.getaddrinfo(
            host, conn_info, socket.AF_UNSPEC, socket.SOCK_STREAM):
        sock = socket.socket(family, socktype, proto)
        try:
            sock.settimeout(timeout)
            sock.connect(address)
            # As in the daemon's children: no Nagle delay on the small control writes.
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            stream = SocketStream(sock)
            _auth.client_handshake(stream, stream, secret)
            return sock.makefile("rwb", bufsize), sock
        except Exception as e:
            errors.append("tried to connect to %s, but an error occurred: %s" % (address, e))
            sock.close()
    raise ConnectionError("[CANNOT_OPEN_SOCKET] Can not open socket: %s." % "; ".join(errors))


def drain_until_eof(sock, timeout=None):
    """Reads and drops everything until the peer closes, so that our exit does not reset a
    connection the JVM is still reading from. ``timeout`` bounds each wait (None: unbounded)."""
    try:
        sock.settimeout(timeout)
        while sock.recv(65536):
            pass
    except OSError:
        pass


# -- exceptions --------------------------------------------------------------------------------

_KINDLING_DIR = os.path.dirname(os.path.abspath(__file__))


def _internal_dirs():
    dirs = [_KINDLING_DIR + os.sep]
    pyspark = sys.modules.get("pyspark")
    pyspark_file = getattr(pyspark, "__file__", None)
    if pyspark_file:
        dirs.append(os.path.dirname(os.path.abspath(pyspark_file)) + os.sep)
    return tuple(dirs)


def _simplify_traceback(tb):
    """The traceback from the first frame outside the worker's and PySpark's own code on (later
    internal frames stay, as in PySpark), or None when every frame is internal (then the full
    traceback is used)."""
    internal = _internal_dirs()
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(internal):
        tb = tb.tb_next
    if tb is None:
        return None
    kept = []
    while tb is not None:
        kept.append(tb)
        tb = tb.tb_next
    new_tb = None
    for entry in reversed(kept):
        new_tb = types.TracebackType(new_tb, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return new_tb


def format_exception(e):
    """The text sent after PYTHON_EXCEPTION_THROWN (WRK-7.1): only the exception line when
    SPARK_HIDE_TRACEBACK is set, the traceback without internal frames when
    SPARK_SIMPLIFIED_TRACEBACK is set, else the full traceback."""
    if os.environ.get(Env.HIDE_TRACEBACK):
        return "".join(traceback.format_exception_only(type(e), e))
    if os.environ.get(Env.SIMPLIFIED_TRACEBACK):
        tb = _simplify_traceback(e.__traceback__)
        if tb is not None:
            e.__cause__ = None
            return "".join(traceback.format_exception(type(e), e, tb))
    return "".join(traceback.format_exception(type(e), e, e.__traceback__))
