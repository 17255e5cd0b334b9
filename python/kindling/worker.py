"""The Python worker: runs one task per call of ``main(infile, outfile)`` (WRK-4 .. WRK-8).

Input (JVM → worker), then output (worker → JVM):

    | task header (WRK-4) | blob/utf/NULL ... | i32 -1 | i32 -4 |
    | blob ... | i32 -3 | i64 boot | i64 init | i64 finish | [i64 processing ms, spark-4.2+] |
    | i64 memSpill | i64 diskSpill | i32 -1 | i32 N | N x blob (aid, update) | i32 -4 or -1 |

or, on failure, ``| blob ... | i32 -2 | utf traceback |`` and nothing else (WRK-7.1, WRK-7.2).
On spark-4.3 the task header comes inside an init message ``| i32 -8 | i32 N | N bytes |``
(WRK-4.10); the data, the output and the finish signal (WRK-6.6) are as on spark-4.2.

Launched as ``python -m kindling.worker`` it is a simple-mode worker (WRK-3.4): it connects to
``127.0.0.1:$PYTHON_WORKER_FACTORY_PORT``, authenticates with ``$PYTHON_WORKER_FACTORY_SECRET``,
writes its pid and serves exactly one task. The daemon (``kindling.daemon``) calls ``main``
directly, once per task on a reused connection.

It also works inside Apache Spark 3.5 to 4.3: set ``spark.python.worker.module=kindling.worker``
and, in daemon mode, ``spark.python.daemon.module=kindling.daemon`` (PySpark 4's daemon runs only
worker modules whose name starts with ``pyspark``; PySpark 3.5's ignores the setting). When
``pyspark`` is importable, broadcasts, accumulators, the task context and SparkFiles are mirrored
into PySpark's registries (see ``kindling.worker_util``), and the wire profile follows
``pyspark.__version__`` unless ``KINDLING_PROTOCOL_PROFILE`` says otherwise.

Implements WRK-3.4 (a simple-mode worker connects back, authenticates, writes its pid and serves
one task), WRK-4.4.2 (the SparkFiles root, with it and every include importable), WRK-7.5 (a failed exception
frame write ends the worker quietly: the JVM has gone), WRK-8.2 (the command, or the broadcast
holding it) and WRK-8.3 (dump_stream of func over load_stream).
"""
import faulthandler
import importlib
from decimal import Decimal
import os
import sys
import time

from kindling import shuffle_util
from kindling import worker_util as wu
from kindling.accumulators import _accumulatorRegistry
from kindling.broadcast import Broadcast, _broadcastRegistry
from kindling.files import SparkFiles
from kindling.protocol.constants import Env, EvalTypes, SpecialLengths
from kindling.protocol.errors import ProtocolError
from kindling.protocol.frames import frame_input
from kindling.protocol.header import decode_task_header
from kindling.protocol.limits import DEFAULT_LIMITS
from kindling.protocol.output import Spill, Timing, WorkerOutputEncoder
from kindling.protocol.profiles import Profile
from kindling.serializers import CPickleSerializer, read_int, read_long, write_int
from kindling.taskcontext import ResourceInformation, TaskContext

__all__ = ["main"]

pickleSer = CPickleSerializer()

_PYSPARK_BROADCAST = ("pyspark.core.broadcast", "pyspark.broadcast")
_PYSPARK_FILES = ("pyspark.core.files", "pyspark.files")
_PYSPARK_TASKCONTEXT = ("pyspark.taskcontext",)
_PYSPARK_ACCUMULATORS = ("pyspark.accumulators",)
_PYSPARK_SHUFFLE = ("pyspark.shuffle",)


class _Replay:
    """A read-only stream that first returns ``prefix`` and then reads from ``stream``."""

    def __init__(self, prefix, stream):
        self._prefix = prefix
        self._stream = stream

    def read(self, n=-1):
        if self._prefix:
            if n is None or n < 0:
                data, self._prefix = self._prefix, b""
                return data + self._stream.read()
            data, self._prefix = self._prefix[:n], self._prefix[n:]
            return data
        return self._stream.read(n)


def _unique(objects):
    seen, result = set(), []
    for obj in objects:
        if id(obj) not in seen:
            seen.add(id(obj))
            result.append(obj)
    return result


# -- header processing -------------------------------------------------------------------------


def _set_task_context(info):
    """WRK-4.3: publish the task context to TaskContext.get() (and pyspark.TaskContext.get())."""
    resources = {k: ResourceInformation(r.name, r.addresses) for k, r in info.resources.items()}
    contexts = [TaskContext._getOrCreate()]
    for module in wu.pyspark_modules(*_PYSPARK_TASKCONTEXT):
        contexts.append(_pyspark_task_context(module, info))
    for tc in _unique(contexts):
        tc._stageId = info.stage_id
        tc._partitionId = info.partition_id
        tc._attemptNumber = info.attempt_number
        tc._taskAttemptId = info.task_attempt_id
        tc._localProperties = dict(info.local_properties)
        tc._cpus = info.cpus
        # spark-4.3 (WRK-4.3.5): TaskContext.cpuAmount() is a Decimal, as in pyspark 4.3.
        tc._cpuAmount = None if info.cpu_amount is None else Decimal(info.cpu_amount)
        tc._resources = resources if tc.__class__ is TaskContext else _pyspark_resources(info)


def _pyspark_task_context(module, info):
    if info.is_barrier and hasattr(module, "BarrierTaskContext"):
        barrier_cls = module.BarrierTaskContext
        tc = barrier_cls._getOrCreate()
        conn_info = info.conn_info
        if isinstance(conn_info, int) and conn_info == -1:
            conn_info = None
        barrier_cls._initialize(conn_info, info.secret)
        module.TaskContext._setTaskContext(tc)
        return tc
    return module.TaskContext._getOrCreate()


def _pyspark_resources(info):
    try:
        from pyspark.resource import ResourceInformation as PyResourceInformation
    except Exception:
        PyResourceInformation = ResourceInformation
    return {k: PyResourceInformation(r.name, r.addresses) for k, r in info.resources.items()}


def _clear_task_context():
    TaskContext._setTaskContext(None)
    for module in wu.loaded_modules(*_PYSPARK_TASKCONTEXT):
        module.TaskContext._setTaskContext(None)
        barrier = getattr(module, "BarrierTaskContext", None)
        if barrier is not None:
            barrier._setTaskContext(None)


def _setup_spark_files(files_dir, includes):
    """WRK-4.4.2: the SparkFiles root, and the root and every include on sys.path."""
    for cls in _unique([SparkFiles] + [m.SparkFiles for m in wu.pyspark_modules(*_PYSPARK_FILES)
                                       if hasattr(m, "SparkFiles")]):
        cls._root_directory = files_dir
        cls._is_running_on_worker = True
    changed = wu.add_path(files_dir)
    for include in includes:
        changed = wu.add_path(os.path.join(files_dir, include)) or changed
    if changed:
        # Only then, as PySpark 4: with zips on sys.path (pyspark.zip inside Spark) every call
        # re-reads each zip's directory, ~0.3 s per task on a reused worker.
        importlib.invalidate_caches()


def _broadcast_registries():
    """(registry dict, Broadcast class) pairs: ours, then PySpark's when importable."""
    pairs = [(_broadcastRegistry, Broadcast)]
    for module in wu.pyspark_modules(*_PYSPARK_BROADCAST):
        registry = getattr(module, "_broadcastRegistry", None)
        cls = getattr(module, "Broadcast", None)
        if isinstance(registry, dict) and cls is not None and all(registry is not r for r, _ in pairs):
            pairs.append((registry, cls))
    return pairs


def _setup_broadcasts(section, fetched=None):
    """WRK-4.5.2 .. WRK-4.5.4: drop the removed ids, register the added ones. ``fetched`` holds the
    values already read from a decryption server (spark-3.5 reads them inside the header)."""
    registries = _broadcast_registries()
    for bid in section.removed:
        if bid not in _broadcastRegistry:
            # As PySpark (a KeyError there): the JVM's record of what this worker holds is wrong.
            raise ProtocolError("WRK-4.5.2", "broadcast %d was removed but never added on this worker" % bid)
        for registry, _ in registries:
            registry.pop(bid, None)
    if section.decryption_server is None:
        for added in section.added:
            for registry, cls in registries:
                if cls is Broadcast:
                    registry[added.id] = Broadcast(path=added.path, bid=added.id)
                else:
                    registry[added.id] = cls(path=added.path)
        return
    if fetched is None:
        fetched = _fetch_decrypted(section)
    for bid, ours in fetched.items():
        for registry, cls in registries:
            registry[bid] = ours if cls is Broadcast else _preloaded(cls, ours.value)


def _fetch_decrypted(section):
    """WRK-9.5: connect to the JVM's decryption server; per added id it sends the i64 id and one
    raw pickle; we answer 0x31 after the last. Returns {id: Broadcast} in header order."""
    server = section.decryption_server
    fetched = {}
    if server is None or not section.added:
        return fetched
    if server.port == -1:
        sock_file, sock = wu.local_connect_and_auth(server.secret, None)
    else:
        sock_file, sock = wu.local_connect_and_auth(server.port, server.secret)
    try:
        for added in section.added:
            got = read_long(sock_file)
            if got != added.id:
                raise ProtocolError("WRK-9.5", "decryption server sent broadcast %d, expected %d" % (got, added.id))
            fetched[added.id] = Broadcast(sock_file=sock_file, bid=added.id)
        sock_file.write(b"1")
        sock_file.flush()
    finally:
        sock_file.close()
        sock.close()
    return fetched


def _preloaded(cls, value):
    """A worker-side PySpark Broadcast already holding ``value``."""
    b = cls.__new__(cls)
    b._jbroadcast = None
    b._sc = None
    b._python_broadcast = None
    b._path = None
    b._value = value
    return b


def _clear_accumulators():
    _accumulatorRegistry.clear()
    for module in wu.loaded_modules(*_PYSPARK_ACCUMULATORS):
        module._accumulatorRegistry.clear()


def _accumulator_updates():
    """WRK-6.4: one pickled ``(aid, value)`` per accumulator registered during the task."""
    registries = [_accumulatorRegistry] + [
        m._accumulatorRegistry for m in wu.loaded_modules(*_PYSPARK_ACCUMULATORS)]
    updates = []
    for registry in _unique(registries):
        for aid, accum in registry.items():
            updates.append(pickleSer.dumps((aid, accum._value)))
    return updates


def _reset_spill_counters():
    shuffle_util.reset()
    for module in wu.loaded_modules(*_PYSPARK_SHUFFLE):
        module.MemoryBytesSpilled = 0
        module.DiskBytesSpilled = 0


def _spill_counters():
    memory, disk = shuffle_util.MemoryBytesSpilled, shuffle_util.DiskBytesSpilled
    for module in wu.loaded_modules(*_PYSPARK_SHUFFLE):
        memory += getattr(module, "MemoryBytesSpilled", 0)
        disk += getattr(module, "DiskBytesSpilled", 0)
    return Spill(max(0, int(memory)), max(0, int(disk)))


def _read_command(data):
    """WRK-8.2: the command, or a broadcast holding it (large commands)."""
    command = pickleSer.loads(data)
    broadcast_classes = tuple(cls for _, cls in _broadcast_registries())
    if isinstance(command, broadcast_classes):
        command = pickleSer.loads(command.value)
    return command


def _decode_header_spark_3_5(infile, limits=DEFAULT_LIMITS):
    """Reads a spark-3.5 header (WRK-4.1 .. 4.9, layout of WRK-4.3.1) and fetches decryption-server
    broadcasts as soon as their ids are read: Spark 3.5's JVM writes the eval type and the command
    only after that exchange, so reading the whole header first would deadlock. Returns
    ``(header, fetched)``. The decoding is ``kindling.protocol.header``'s, fetching in its
    ``on_broadcasts`` hook.

        | i32 split | utf pyVer | bool barrier | i32 port | blob secret | i32 stage | i32 part |
        | i32 attempt | i64 tid | i32 cpus | resources | props | utf files | includes |
        | broadcasts [exchange with the decryption server here] | i32 evalType | blob command |
    """
    fetched = {}
    header = decode_task_header(infile, Profile.SPARK_3_5, limits,
                                on_broadcasts=lambda section: fetched.update(_fetch_decrypted(section)))
    return header, fetched


def _decode_header(infile, profile):
    if profile is Profile.SPARK_3_5:
        return _decode_header_spark_3_5(infile)
    return decode_task_header(infile, profile), None


# -- the task ------------------------------------------------------------------------------------


class _ExitRequest(Exception):
    pass


def _start_faulthandler():
    """Crash dumps to $PYTHON_FAULTHANDLER_DIR/<pid>, which the JVM reads when the worker dies, and
    periodic stack dumps to stderr every $PYTHON_TRACEBACK_DUMP_INTERVAL_SECONDS (Spark 4.1+)."""
    state = {}
    directory = os.environ.get(Env.FAULTHANDLER_DIR)
    if directory:
        path = os.path.join(directory, str(os.getpid()))
        log = open(path, "w")
        faulthandler.enable(file=log)
        state["log"] = (path, log)
    interval = os.environ.get("PYTHON_TRACEBACK_DUMP_INTERVAL_SECONDS")
    if interval and interval.strip().isdigit() and int(interval) > 0:
        faulthandler.dump_traceback_later(int(interval), repeat=True)
        state["periodic"] = True
    return state


def _stop_faulthandler(state):
    if not state:
        return
    if state.get("periodic"):
        faulthandler.cancel_dump_traceback_later()
    if "log" in state:
        path, log = state["log"]
        faulthandler.disable()
        log.close()
        try:
            os.remove(path)
        except OSError:
            pass
    state.clear()


def main(infile, outfile):
    """Runs one task read from ``infile`` and writes its output to ``outfile``.

    Returns normally when the JVM may reuse this worker (it asked with END_OF_STREAM); otherwise
    exits through ``SystemExit`` with a non-zero code (-1), as PySpark's worker does.
    """
    boot_time = time.time()
    # One read buffer for the whole task (header, frames, END_OF_STREAM): frames are cut out of
    # 64 KiB reads (kindling.protocol.frames.FrameInput). A caller that serves several tasks on
    # one stream (kindling.daemon) passes the same FrameInput every time.
    infile = frame_input(infile)
    try:
        first = infile.read(4)
    except OSError:
        first = b""
    if not first:
        # The JVM closed the connection before another task: nothing to answer.
        sys.exit(-1)
    profile = Profile.DEFAULT
    fault_state = None
    try:
        fault_state = _start_faulthandler()
        profile = wu.resolve_profile()
        header, fetched = _decode_header(_Replay(first, infile), profile)
        if header.is_exit_request:
            raise _ExitRequest()
        wu.check_python_version(header.python_version)
        if header.eval_type != EvalTypes.NON_UDF:
            raise RuntimeError(
                "WRK-4.6: eval type %d is not supported by this worker; only NON_UDF (0) is"
                % header.eval_type)
        memory_mb = os.environ.get(Env.EXECUTOR_MEMORY_MB)
        wu.setup_memory_limits(int(memory_mb) if memory_mb else None)
        _set_task_context(header.task_context)
        _reset_spill_counters()
        _clear_accumulators()
        _setup_spark_files(header.spark_files_dir, header.python_includes)
        _setup_broadcasts(header.broadcasts, fetched)
        _clear_accumulators()
        func, profiler, deserializer, serializer = _read_command(header.command)
        init_time = time.time()
        started = time.monotonic()

        def process():
            iterator = deserializer.load_stream(infile)
            out_iter = func(header.split_index, iterator)
            try:
                serializer.dump_stream(out_iter, outfile)
            finally:
                close = getattr(out_iter, "close", None)
                if close is not None:
                    close()

        if profiler:
            profiler.profile(process)
        else:
            process()
        processing_ms = int((time.monotonic() - started) * 1000)
        finish_time = time.time()
        updates = _accumulator_updates()
        spill = _spill_counters()
        _clear_task_context()
    except _ExitRequest:
        _stop_faulthandler(fault_state)
        sys.exit(-1)
    except BaseException as e:
        _write_exception(e, outfile, profile)
        _clear_task_context()
        _stop_faulthandler(fault_state)
        sys.exit(-1)
    _stop_faulthandler(fault_state)

    try:
        encoder = WorkerOutputEncoder(outfile, profile)
        encoder.write_timing(Timing(
            int(1000 * boot_time), int(1000 * init_time), int(1000 * finish_time),
            processing_ms if profile.timing_longs == 4 else None))
        encoder.write_spill(spill)
        encoder.write_accumulators(updates)
        outfile.flush()
        try:
            marker = read_int(infile)
        except (EOFError, ProtocolError):
            marker = None
        reusable = marker == SpecialLengths.END_OF_STREAM
        encoder.write_end(reusable)
    except OSError:
        # WRK-7.5: the JVM has gone; nobody is left to tell.
        sys.exit(-1)
    if not reusable:
        sys.exit(-1)


def _write_exception(e, outfile, profile):
    """WRK-7.1 / 7.2 / 7.5: ``-2`` and the traceback, flushed; a vanished JVM is ignored."""
    try:
        text = wu.format_exception(e)
    except BaseException:
        text = "%s: %s" % (type(e).__name__, e)
    try:
        WorkerOutputEncoder(outfile, profile).write_exception(text)
    except OSError:
        pass
    except BaseException:
        import traceback

        print("Kindling worker failed to report an exception:", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)


# -- simple mode -----------------------------------------------------------------------------------


def _run_simple_worker():
    """WRK-3.4: connect back, authenticate, write the pid, serve one task."""
    sock_path = os.environ.get("PYTHON_WORKER_FACTORY_SOCK_PATH")
    if sock_path:
        conn_info, secret = sock_path, None
    else:
        conn_info = int(os.environ[Env.WORKER_FACTORY_PORT])
        secret = os.environ[Env.WORKER_FACTORY_SECRET]
    sock_file, sock = wu.local_connect_and_auth(conn_info, secret)
    # Deviation from Spark: the connect/auth timeout must not limit how long a task may wait for
    # its input, so reads block without a bound once authenticated.
    sock.settimeout(None)
    write_int(os.getpid(), sock_file)
    sock_file.flush()
    code = 0
    try:
        main(sock_file, sock_file)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    finally:
        try:
            sock_file.flush()
        except OSError:
            pass
    if code:
        # Let the JVM read the exception before the connection goes away.
        try:
            sock.shutdown(1)
        except OSError:
            pass
        wu.drain_until_eof(sock, wu.auth_socket_timeout())
    sock_file.close()
    sock.close()
    sys.exit(code)


if __name__ == "__main__":
    _run_simple_worker()
