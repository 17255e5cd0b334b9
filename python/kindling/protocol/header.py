"""The task header the JVM writes to a worker before the input data (WRK-4).

    +-----------+-------------+--------------------+-----------+----------+
    | i32 split | utf pyVer   | task context (4.3) | utf files | includes |
    +-----------+-------------+--------------------+-----------+----------+
    | broadcasts (4.5) | i32 evalType | [confs, spark-4.2 only] | blob command |
    +------------------+--------------+-------------------------+--------------+

    includes   = i32 N, N x utf                                            (WRK-4.4.1)
    confs      = runnerConf, evalConf; each i32 C, C x (utf key, utf value) (WRK-4.7)

Task context, per profile:

    spark-3.5 (WRK-4.3.1)
    +------+---------+----------+-------+-------+-------+---------+------+-----------+-------+
    | bool | i32 port| blob sec | i32 st| i32 pt| i32 at| i64 tid | i32 c| resources | props |
    +------+---------+----------+-------+-------+-------+---------+------+-----------+-------+
    resources = i32 R, R x (utf key, utf name, i32 A, A x utf address)
    props     = i32 P, P x (utf key, utf value)

    spark-4.1 (WRK-4.3.2): the barrier fields become
    | bool false |                                   not barrier
    | bool true | i32 port | utf secret |            barrier, TCP
    | bool true | i32 -1   | utf socket path |       barrier, Unix socket
    followed by stageId .. props as in 3.5.

    spark-4.2 (WRK-4.3.3): one utf holding a JSON object with the keys isBarrier, connInfo,
    secret, stageId, partitionId, attemptNumber, taskAttemptId, cpus, resources, localProperties.
    spark-4.3 (WRK-4.3.5): the same plus cpuAmount, a plain decimal string ("1", "0.5").

spark-4.3 sends the whole header inside an init message (WRK-4.10):

    +--------+-------+----------------------------------------------+
    | i32 -8 | i32 N | N bytes: the header above (split .. command) |
    +--------+-------+----------------------------------------------+
    id other than -8: WRK-4.10.3; N outside 0..max_init_message_bytes: WRK-4.10.2 (before reading);
    a header running past N, or ending before it: WRK-4.10.4; end of stream inside N: WRK-1.5.

Broadcast section (WRK-4.5):

    | bool false | i32 cnt | removed: i64 -(id)-1 ... | added: i64 id, utf path ... |
    | bool true  | i32 cnt | i32 port | utf secret | removed: i64 -(id)-1 ... | added: i64 id ... |

Bounds: every count in 0..max_header_count and every utf at most max_header_string_bytes
(WRK-4.9; the command blob shares that bound, as in Java); conf counts in 0..max_conf_entries
(WRK-4.7). Truncation anywhere is WRK-1.5; a utf that is not UTF-8 is WRK-1.3.
"""
import dataclasses
import io
import json
import re
from typing import Dict, List, Optional, Union

from kindling.protocol.constants import EvalTypes, MessageIds
from kindling.protocol.errors import ProtocolError
from kindling.protocol.limits import DEFAULT_LIMITS
from kindling.protocol.profiles import Profile
from kindling.protocol.wire import WireReader, WireWriter

_I32_MIN, _I32_MAX = -(2 ** 31), 2 ** 31 - 1
_I64_MIN, _I64_MAX = -(2 ** 63), 2 ** 63 - 1

# Key order of the spark-4.2 JSON task context as Kindling writes it (vectors/README.md).
JSON_CONTEXT_KEYS = (
    "isBarrier", "connInfo", "secret", "stageId", "partitionId", "attemptNumber", "taskAttemptId",
    "cpus", "resources", "localProperties",
)


JSON_CONTEXT_KEYS_43 = JSON_CONTEXT_KEYS[:8] + ("cpuAmount",) + JSON_CONTEXT_KEYS[8:]

# WRK-4.3.5: digits, optionally a point and more digits (Spark's toPlainString, zeros stripped).
_PLAIN_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?\Z")

INIT_LENGTH_RULE = "WRK-4.10.2"
INIT_ID_RULE = "WRK-4.10.3"
INIT_EXTENT_RULE = "WRK-4.10.4"


@dataclasses.dataclass
class ResourceInfo:
    name: str
    addresses: List[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class TaskContextInfo:
    """The task-context block. ``conn_info`` is an int port, a str Unix-socket path or None;
    ``secret`` a str or None. On spark-3.5 the wire always carries a port and a secret (0 and ""
    when not barrier); on spark-4.1 a non-barrier task carries neither (None, None).
    ``cpu_amount`` is the exact CPU amount as a plain decimal string, carried only on spark-4.3
    (WRK-4.3.5); None elsewhere, and encoding spark-4.3 with None writes ``cpus``."""

    is_barrier: bool = False
    conn_info: Union[int, str, None] = None
    secret: Optional[str] = None
    stage_id: int = 0
    partition_id: int = 0
    attempt_number: int = 0
    task_attempt_id: int = 0
    cpus: int = 1
    resources: Dict[str, ResourceInfo] = dataclasses.field(default_factory=dict)
    local_properties: Dict[str, str] = dataclasses.field(default_factory=dict)
    cpu_amount: Optional[str] = None


def _non_barrier(cls, profile, stage_id, partition_id, attempt_number, task_attempt_id, cpus, resources=None,
                 local_properties=None):
    """A non-barrier context as Kindling's JVM sends it on ``profile`` (WRK-4.3.4): port 0 and
    secret "" on spark-3.5, nothing on spark-4.1, connInfo -1 and a null secret on spark-4.2 and
    spark-4.3, where cpuAmount is ``cpus`` as a decimal."""
    profile = Profile.parse(profile)
    if profile is Profile.SPARK_3_5:
        conn_info, secret = 0, ""
    elif profile is Profile.SPARK_4_1:
        conn_info, secret = None, None
    else:
        conn_info, secret = -1, None
    return cls(False, conn_info, secret, stage_id, partition_id, attempt_number, task_attempt_id, cpus,
               dict(resources or {}), dict(local_properties or {}),
               str(cpus) if profile.has_cpu_amount else None)


TaskContextInfo.non_barrier = classmethod(_non_barrier)


@dataclasses.dataclass
class AddedBroadcast:
    id: int
    path: Optional[str] = None  # None when a decryption server delivers the value (WRK-4.5.4)


@dataclasses.dataclass
class DecryptionServer:
    port: int  # -1 with a Unix-socket path in ``secret`` (Spark 4.1+)
    secret: str


@dataclasses.dataclass
class BroadcastSection:
    decryption_server: Optional[DecryptionServer] = None
    removed: List[int] = dataclasses.field(default_factory=list)  # the ids, not -(id)-1
    added: List[AddedBroadcast] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class TaskHeader:
    """A whole task header. A ``split_index`` of -1 is Spark's exit request (WRK-4.1): on the wire
    it is the only field, and the other fields keep their defaults."""

    split_index: int = 0
    python_version: str = ""
    task_context: TaskContextInfo = dataclasses.field(default_factory=TaskContextInfo)
    spark_files_dir: str = ""
    python_includes: List[str] = dataclasses.field(default_factory=list)
    broadcasts: BroadcastSection = dataclasses.field(default_factory=BroadcastSection)
    eval_type: int = EvalTypes.NON_UDF
    runner_conf: Dict[str, str] = dataclasses.field(default_factory=dict)  # spark-4.2 only
    eval_conf: Dict[str, str] = dataclasses.field(default_factory=dict)  # spark-4.2 only
    command: bytes = b""

    @property
    def is_exit_request(self):
        return self.split_index == -1


# ---------------------------------------------------------------------------------------------
# Decoding


class _HeaderReader:
    def __init__(self, infile, limits):
        self.r = WireReader(infile)
        self.limits = limits

    def utf(self, field):
        return self.r.read_utf(self.limits.max_header_string_bytes, "WRK-4.9", field)

    def count(self, field):
        return self.r.read_count(self.limits.max_header_count, "WRK-4.9", field)

    def conf(self, field):
        n = self.r.read_count(self.limits.max_conf_entries, "WRK-4.7", field + " count")
        conf = {}
        for _ in range(n):
            key = self.utf(field + " key")
            conf[key] = self.utf(field + " value")
        return conf


def read_init_message(infile, limits=DEFAULT_LIMITS):
    """Reads a spark-4.3 init message (WRK-4.10) and returns its N bytes: the id must be -8
    (WRK-4.10.3) and N within 0..max_init_message_bytes (WRK-4.10.2), both checked before the body
    is read; end of stream inside it is WRK-1.5."""
    r = WireReader(infile)
    message_id = r.read_int("init message id")
    if message_id != MessageIds.START_OF_INIT_MESSAGE:
        raise ProtocolError(INIT_ID_RULE, "expected the init message id %d (START_OF_INIT_MESSAGE), got %d"
                            % (MessageIds.START_OF_INIT_MESSAGE, message_id))
    n = r.read_int("init message length")
    if n < 0 or n > limits.max_init_message_bytes:
        raise ProtocolError(INIT_LENGTH_RULE, "init message length %d outside 0..%d"
                            % (n, limits.max_init_message_bytes))
    return r.read_exact(n, "init message")


def decode_task_header(infile, profile=Profile.DEFAULT, limits=DEFAULT_LIMITS, on_broadcasts=None):
    """Reads one task header for ``profile`` (WRK-4.1 .. WRK-4.9; on spark-4.3 from an init
    message, WRK-4.10). ``on_broadcasts(section)``, when given, runs as soon as the broadcast
    section is read, before the rest: Spark 3.5's JVM writes the eval type and the command only
    after the worker fetched decryption-server broadcasts."""
    profile = Profile.parse(profile)
    if not profile.init_message:
        return _decode_body(infile, profile, limits, on_broadcasts)
    if on_broadcasts is not None:
        raise ValueError("on_broadcasts needs a profile without an init message")
    body = read_init_message(infile, limits)
    stream = io.BytesIO(body)
    try:
        header = _decode_body(stream, profile, limits)
    except ProtocolError as e:
        if e.rule_id != "WRK-1.5":
            raise
        # The N bytes ran out inside a field: the header claims more than the message holds.
        raise ProtocolError(INIT_EXTENT_RULE, "task header runs past the init message's %d bytes (%s)"
                            % (len(body), e.detail)) from None
    left = len(body) - stream.tell()
    if left:
        raise ProtocolError(INIT_EXTENT_RULE, "%d byte(s) left over in the init message of %d bytes after the "
                            "task header" % (left, len(body)))
    return header


def _decode_body(infile, profile, limits, on_broadcasts=None):
    h = _HeaderReader(infile, limits)
    r = h.r
    split = r.read_int("split index")
    if split == -1:
        return TaskHeader(split_index=-1)
    python_version = h.utf("python version")
    if profile.json_task_context:
        context = _decode_json_context(h.utf("task context JSON"), limits, profile.has_cpu_amount)
    else:
        context = _decode_binary_context(h, profile)
    files_dir = h.utf("spark files dir")
    includes = [h.utf("python include") for _ in range(h.count("python include count"))]
    broadcasts = _decode_broadcasts(h)
    if on_broadcasts is not None:
        on_broadcasts(broadcasts)
    eval_type = r.read_int("eval type")
    runner_conf, eval_conf = {}, {}
    if profile.has_conf_maps:
        runner_conf = h.conf("runnerConf")
        eval_conf = h.conf("evalConf")
    command = r.read_blob(limits.max_header_string_bytes, "WRK-4.9", "command")
    return TaskHeader(split, python_version, context, files_dir, includes, broadcasts, eval_type,
                      runner_conf, eval_conf, command)


def _decode_binary_context(h, profile):
    r = h.r
    is_barrier = r.read_bool("isBarrier")
    if profile is Profile.SPARK_3_5:
        conn_info = r.read_int("barrier port")
        secret_bytes = r.read_blob(h.limits.max_header_string_bytes, "WRK-4.9", "barrier secret")
        try:
            secret = secret_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtocolError("WRK-1.3", "barrier secret is not valid UTF-8") from None
    elif is_barrier:
        conn_info = r.read_int("barrier port")
        if conn_info == -1:
            conn_info, secret = h.utf("barrier socket path"), None
        else:
            secret = h.utf("barrier secret")
    else:
        conn_info, secret = None, None
    stage_id = r.read_int("stageId")
    partition_id = r.read_int("partitionId")
    attempt_number = r.read_int("attemptNumber")
    task_attempt_id = r.read_long("taskAttemptId")
    cpus = r.read_int("cpus")
    resources = {}
    for _ in range(h.count("resource count")):
        key = h.utf("resource key")
        name = h.utf("resource name")
        addresses = [h.utf("resource address") for _ in range(h.count("resource address count"))]
        resources[key] = ResourceInfo(name, addresses)
    props = {}
    for _ in range(h.count("local property count")):
        key = h.utf("local property key")
        props[key] = h.utf("local property value")
    return TaskContextInfo(is_barrier, conn_info, secret, stage_id, partition_id, attempt_number,
                           task_attempt_id, cpus, resources, props)


def _bad_json(detail):
    return ProtocolError("WRK-4.3.3", "task context " + detail)


def _json_int(obj, key, lo, hi):
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad_json("%s must be an integer, got %s" % (key, type(value).__name__))
    if not lo <= value <= hi:
        raise _bad_json("%s %d out of range" % (key, value))
    return value


def _json_str_map(value, what, limits):
    if not isinstance(value, dict):
        raise _bad_json("%s must be an object" % what)
    _json_bound(what, len(value), limits)
    for k, v in value.items():
        if not isinstance(v, str):
            raise _bad_json("%s[%r] must be a string" % (what, k))
    return dict(value)


class _JsonRejected(Exception):
    pass


def _no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise _JsonRejected("has a duplicate key %r" % key)
        obj[key] = value
    return obj


def _no_constants(name):
    raise _JsonRejected("is not valid JSON: %s is not a JSON value" % name)


def _json_bound(field, n, limits):
    if n > limits.max_header_count:
        raise ProtocolError("WRK-4.9", "%s count %d outside 0..%d" % (field, n, limits.max_header_count))


def _decode_json_context(text, limits=DEFAULT_LIMITS, with_cpu_amount=False):
    """Parses the spark-4.2 JSON task context as a map (key order free). Rejects (WRK-4.3.3) text
    that is not JSON, not one object, has a duplicate key, lacks a required key or has a value of
    the wrong type; unknown extra keys are ignored. The counts inside it are bounded like the
    binary form's (WRK-4.9)."""
    try:
        obj = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except _JsonRejected as e:
        raise _bad_json(str(e)) from None
    except (ValueError, RecursionError) as e:
        raise _bad_json("is not valid JSON: %s" % e) from None
    if not isinstance(obj, dict):
        raise _bad_json("is not a JSON object")
    missing = [k for k in JSON_CONTEXT_KEYS if k not in obj]
    if missing:
        raise _bad_json("lacks key(s) %s" % ", ".join(missing))
    is_barrier = obj["isBarrier"]
    if not isinstance(is_barrier, bool):
        raise _bad_json("isBarrier must be a boolean")
    conn_info = obj["connInfo"]
    if isinstance(conn_info, str):
        pass
    elif isinstance(conn_info, int) and not isinstance(conn_info, bool):
        conn_info = _json_int(obj, "connInfo", _I32_MIN, _I32_MAX)
    else:
        raise _bad_json("connInfo must be a number or a string")
    secret = obj["secret"]
    if secret is not None and not isinstance(secret, str):
        raise _bad_json("secret must be a string or null")
    stage_id = _json_int(obj, "stageId", _I32_MIN, _I32_MAX)
    partition_id = _json_int(obj, "partitionId", _I32_MIN, _I32_MAX)
    attempt_number = _json_int(obj, "attemptNumber", _I32_MIN, _I32_MAX)
    task_attempt_id = _json_int(obj, "taskAttemptId", _I64_MIN, _I64_MAX)
    cpus = _json_int(obj, "cpus", _I32_MIN, _I32_MAX)
    cpu_amount = None
    if with_cpu_amount:
        if "cpuAmount" not in obj:
            raise ProtocolError("WRK-4.3.5", "task context lacks key cpuAmount")
        cpu_amount = obj["cpuAmount"]
        if not isinstance(cpu_amount, str) or not _PLAIN_DECIMAL.match(cpu_amount):
            raise ProtocolError("WRK-4.3.5", "task context cpuAmount must be a string holding a plain "
                                "non-negative decimal, got %r" % (cpu_amount,))
    resources_obj = obj["resources"]
    if not isinstance(resources_obj, dict):
        raise _bad_json("resources must be an object")
    _json_bound("resources", len(resources_obj), limits)
    resources = {}
    for key, res in resources_obj.items():
        if not isinstance(res, dict) or "name" not in res or "addresses" not in res:
            raise _bad_json("resources[%r] must be an object with name and addresses" % key)
        name, addresses = res["name"], res["addresses"]
        if not isinstance(name, str):
            raise _bad_json("resources[%r].name must be a string" % key)
        if not isinstance(addresses, list):
            raise _bad_json("resources[%r].addresses must be an array" % key)
        _json_bound("resources[%r].addresses" % key, len(addresses), limits)
        if not all(isinstance(a, str) for a in addresses):
            raise _bad_json("resources[%r].addresses must hold only strings" % key)
        resources[key] = ResourceInfo(name, list(addresses))
    return TaskContextInfo(
        is_barrier=is_barrier,
        conn_info=conn_info,
        secret=secret,
        stage_id=stage_id,
        partition_id=partition_id,
        attempt_number=attempt_number,
        task_attempt_id=task_attempt_id,
        cpus=cpus,
        resources=resources,
        local_properties=_json_str_map(obj["localProperties"], "localProperties", limits),
        cpu_amount=cpu_amount,
    )


def _decode_broadcasts(h):
    r = h.r
    needs_server = r.read_bool("needsDecryptionServer")
    count = h.count("broadcast count")
    server = None
    if needs_server:
        server = DecryptionServer(r.read_int("decryption server port"), h.utf("decryption server secret"))
    removed, added = [], []
    for _ in range(count):
        value = r.read_long("broadcast id")
        if value < 0:
            removed.append(-value - 1)
        elif server is None:
            added.append(AddedBroadcast(value, h.utf("broadcast path")))
        else:
            added.append(AddedBroadcast(value))
    return BroadcastSection(server, removed, added)


# ---------------------------------------------------------------------------------------------
# Encoding


def encode_task_header(header, profile, outfile, limits=DEFAULT_LIMITS):
    """Writes ``header`` for ``profile``, byte for byte as Spark's JVM does (WRK-4). Values that
    the profile cannot carry raise ValueError. On spark-4.3 the header is buffered and written as
    one init message; one longer than ``limits.max_init_message_bytes`` raises a WRK-4.10.2
    ProtocolError before anything is written."""
    profile = Profile.parse(profile)
    if not profile.init_message:
        _encode_body(header, profile, outfile)
        return
    buf = io.BytesIO()
    _encode_body(header, profile, buf)
    body = buf.getvalue()
    if len(body) > limits.max_init_message_bytes:
        raise ProtocolError(INIT_LENGTH_RULE, "task header of %d bytes exceeds max_init_message_bytes %d"
                            % (len(body), limits.max_init_message_bytes))
    w = WireWriter(outfile)
    w.write_int(MessageIds.START_OF_INIT_MESSAGE)
    w.write_int(len(body))
    outfile.write(body)


def _encode_body(header, profile, outfile):
    w = WireWriter(outfile)
    w.write_int(header.split_index)
    if header.split_index == -1:
        return
    w.write_utf(header.python_version)
    if profile.json_task_context:
        w.write_utf(task_context_json(header.task_context, profile.has_cpu_amount))
    else:
        _encode_binary_context(w, header.task_context, profile)
    w.write_utf(header.spark_files_dir)
    w.write_int(len(header.python_includes))
    for include in header.python_includes:
        w.write_utf(include)
    _encode_broadcasts(w, header.broadcasts)
    w.write_int(header.eval_type)
    if profile.has_conf_maps:
        for conf in (header.runner_conf, header.eval_conf):
            w.write_int(len(conf))
            for key, value in conf.items():
                w.write_utf(key)
                w.write_utf(value)
    elif header.runner_conf or header.eval_conf:
        raise ValueError("profile %s carries no runnerConf/evalConf" % profile)
    w.write_blob(header.command)


def encode_task_header_bytes(header, profile):
    buf = io.BytesIO()
    encode_task_header(header, profile, buf)
    return buf.getvalue()


def _encode_binary_context(w, ctx, profile):
    w.write_bool(ctx.is_barrier)
    if profile is Profile.SPARK_3_5:
        port = 0 if ctx.conn_info is None else ctx.conn_info
        if isinstance(port, str):
            raise ValueError("spark-3.5 cannot carry a Unix-socket connInfo")
        w.write_int(port)
        w.write_blob((ctx.secret or "").encode("utf-8"))
    elif ctx.is_barrier:
        if isinstance(ctx.conn_info, str):
            w.write_int(-1)
            w.write_utf(ctx.conn_info)
        elif isinstance(ctx.conn_info, int) and ctx.conn_info != -1 and ctx.secret is not None:
            w.write_int(ctx.conn_info)
            w.write_utf(ctx.secret)
        else:
            raise ValueError("spark-4.1 barrier task needs a port and a secret, or a socket path")
    w.write_int(ctx.stage_id)
    w.write_int(ctx.partition_id)
    w.write_int(ctx.attempt_number)
    w.write_long(ctx.task_attempt_id)
    w.write_int(ctx.cpus)
    w.write_int(len(ctx.resources))
    for key, res in ctx.resources.items():
        w.write_utf(key)
        w.write_utf(res.name)
        w.write_int(len(res.addresses))
        for address in res.addresses:
            w.write_utf(address)
    w.write_int(len(ctx.local_properties))
    for key, value in ctx.local_properties.items():
        w.write_utf(key)
        w.write_utf(value)


def task_context_json(ctx, with_cpu_amount=False):
    """The spark-4.2 JSON task context: compact, keys in JSON_CONTEXT_KEYS order, non-ASCII as raw
    UTF-8, resource and property members in the order given. ``with_cpu_amount`` (spark-4.3) adds
    ``cpuAmount`` after ``cpus`` (WRK-4.3.5)."""
    if ctx.conn_info is None:
        raise ValueError("spark-4.2 connInfo must be a number or a string (-1 when not barrier), got None")
    obj = {
        "isBarrier": bool(ctx.is_barrier),
        "connInfo": ctx.conn_info,
        "secret": ctx.secret,
        "stageId": ctx.stage_id,
        "partitionId": ctx.partition_id,
        "attemptNumber": ctx.attempt_number,
        "taskAttemptId": ctx.task_attempt_id,
        "cpus": ctx.cpus,
    }
    if with_cpu_amount:
        amount = str(ctx.cpus) if ctx.cpu_amount is None else ctx.cpu_amount
        if not isinstance(amount, str) or not _PLAIN_DECIMAL.match(amount):
            raise ValueError("cpuAmount must be a plain non-negative decimal, got %r" % (amount,))
        obj["cpuAmount"] = amount
    obj.update({
        "resources": {k: {"name": r.name, "addresses": list(r.addresses)} for k, r in ctx.resources.items()},
        "localProperties": dict(ctx.local_properties),
    })
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _encode_broadcasts(w, section):
    server = section.decryption_server
    w.write_bool(server is not None)
    w.write_int(len(section.removed) + len(section.added))
    if server is not None:
        w.write_int(server.port)
        w.write_utf(server.secret)
    for bid in section.removed:
        if bid < 0:
            raise ValueError("broadcast id %d is negative" % bid)
        w.write_long(-bid - 1)
    for added in section.added:
        if added.id < 0:
            raise ValueError("broadcast id %d is negative" % added.id)
        w.write_long(added.id)
        if server is None:
            if added.path is None:
                raise ValueError("broadcast %d needs a path without a decryption server" % added.id)
            w.write_utf(added.path)
        elif added.path is not None:
            raise ValueError("broadcast %d has a path but a decryption server delivers it" % added.id)
