"""Runs every golden vector in protocol-spec/vectors/*.json against the Python codecs, once per
profile the vector applies to (format: protocol-spec/vectors/README.md)."""
import glob
import io
import json
import os

import pytest

from protocol_helpers import REPO_ROOT
from kindling.protocol.auth import client_handshake, server_handshake
from kindling.protocol.conninfo import ConnInfo, decode_conn_info, encode_conn_info
from kindling.protocol.errors import ProtocolError
from kindling.protocol.frames import Frame, FrameReader, FrameWriter
from kindling.protocol.header import (AddedBroadcast, BroadcastSection, DecryptionServer, ResourceInfo, TaskContextInfo,
                                      TaskHeader, decode_task_header, encode_task_header)
from kindling.protocol.limits import Limits
from kindling.protocol.output import End, Spill, Timing, WorkerOutput, WorkerOutputDecoder, encode_worker_output
from kindling.protocol.profiles import Profile
from kindling.protocol.constants import SpecialLengths

VECTORS_DIR = os.path.join(REPO_ROOT, "protocol-spec", "vectors")
ALL_PROFILES = [p.value for p in Profile]


def _load_cases():
    cases = []
    for path in sorted(glob.glob(os.path.join(VECTORS_DIR, "*.json"))):
        with open(path, encoding="utf-8") as f:
            suite = json.load(f)
        for vector in suite["vectors"]:
            for profile in vector.get("profiles", ALL_PROFILES):
                cases.append(pytest.param(suite["suite"], vector, profile,
                                          id="%s/%s[%s]" % (suite["suite"], vector["name"], profile)))
    return cases


CASES = _load_cases()


def test_vectors_directory_has_vectors():
    assert CASES, "no golden vectors found in %s" % VECTORS_DIR


# --- conversions between the README's decoded forms and the codec types ------------------------


def header_from_json(d):
    c = d["taskContext"]
    ctx = TaskContextInfo(
        c["isBarrier"], c["connInfo"], c["secret"], c["stageId"], c["partitionId"], c["attemptNumber"],
        c["taskAttemptId"], c["cpus"],
        {k: ResourceInfo(v["name"], list(v["addresses"])) for k, v in c["resources"].items()},
        dict(c["localProperties"]), c.get("cpuAmount"))
    b = d["broadcasts"]
    server = b["decryptionServer"]
    section = BroadcastSection(
        None if server is None else DecryptionServer(server["port"], server["secret"]),
        list(b["removed"]), [AddedBroadcast(a["id"], a.get("path")) for a in b["added"]])
    return TaskHeader(d["splitIndex"], d["pythonVersion"], ctx, d["sparkFilesDir"], list(d["pythonIncludes"]),
                      section, d["evalType"], dict(d.get("runnerConf", {})), dict(d.get("evalConf", {})),
                      bytes.fromhex(d["command"]))


def header_to_json(h, profile):
    c = h.task_context
    b = h.broadcasts
    out = {
        "splitIndex": h.split_index,
        "pythonVersion": h.python_version,
        "taskContext": {
            "isBarrier": c.is_barrier, "connInfo": c.conn_info, "secret": c.secret, "stageId": c.stage_id,
            "partitionId": c.partition_id, "attemptNumber": c.attempt_number, "taskAttemptId": c.task_attempt_id,
            "cpus": c.cpus,
            "resources": {k: {"name": r.name, "addresses": list(r.addresses)} for k, r in c.resources.items()},
            "localProperties": dict(c.local_properties),
        },
        "sparkFilesDir": h.spark_files_dir,
        "pythonIncludes": list(h.python_includes),
        "broadcasts": {
            "decryptionServer": None if b.decryption_server is None else {
                "port": b.decryption_server.port, "secret": b.decryption_server.secret},
            "removed": list(b.removed),
            "added": [{"id": a.id} if a.path is None else {"id": a.id, "path": a.path} for a in b.added],
        },
        "evalType": h.eval_type,
    }
    if profile.has_cpu_amount:
        out["taskContext"]["cpuAmount"] = c.cpu_amount
    if profile.has_conf_maps:
        out["runnerConf"] = dict(h.runner_conf)
        out["evalConf"] = dict(h.eval_conf)
    out["command"] = h.command.hex()
    return out


def frames_to_json(frames):
    return [{"special": f.name} if f.is_special else {"data": f.data.hex()} for f in frames]


def frames_from_json(items):
    return [Frame.of_special(i["special"]) if "special" in i else Frame.of_data(bytes.fromhex(i["data"]))
            for i in items]


def output_to_json(o):
    out = {"frames": [f.hex() for f in o.frames]}
    if o.exception is not None:
        out["exception"] = o.exception
        return out
    t = {"boot": o.timing.boot, "init": o.timing.init, "finish": o.timing.finish}
    if o.timing.processing is not None:
        t["processing"] = o.timing.processing
    out["timing"] = t
    out["spill"] = {"memory": o.spill.memory, "disk": o.spill.disk}
    out["accumulators"] = [a.hex() for a in o.accumulators]
    out["end"] = o.end.name
    return out


def output_from_json(d):
    frames = [bytes.fromhex(f) for f in d["frames"]]
    if "exception" in d:
        return WorkerOutput(frames=frames, exception=d["exception"])
    t = d["timing"]
    return WorkerOutput(frames, Timing(t["boot"], t["init"], t["finish"], t.get("processing")),
                        Spill(d["spill"]["memory"], d["spill"]["disk"]),
                        [bytes.fromhex(a) for a in d["accumulators"]],
                        End.from_code(getattr(SpecialLengths, d["end"])))


# --- per-suite codecs: decode(bytes) -> decoded form, encode(decoded form) -> bytes ------------------


def _decode_all(fn, data):
    src = io.BytesIO(data)
    value = fn(src)
    assert src.read() == b"", "decoder left bytes unread"
    return value


def decode(suite, data, profile, limits):
    if suite == "conn-info":
        ci = decode_conn_info(data, limits)
        return {"port": ci.port, "secret": ci.secret}
    if suite == "frames":
        return frames_to_json(_decode_all(lambda s: list(FrameReader(s, limits)), data))
    if suite == "task-header":
        return header_to_json(_decode_all(lambda s: decode_task_header(s, profile, limits), data), profile)
    if suite == "worker-output":
        return output_to_json(_decode_all(lambda s: WorkerOutputDecoder(s, profile, limits).read_all(), data))
    raise AssertionError("unknown suite " + suite)


def encode(suite, decoded, profile):
    if suite == "conn-info":
        return encode_conn_info(ConnInfo(decoded["port"], decoded["secret"]))
    buf = io.BytesIO()
    if suite == "frames":
        FrameWriter(buf).write_frames(frames_from_json(decoded))
    elif suite == "task-header":
        encode_task_header(header_from_json(decoded), profile, buf)
    elif suite == "worker-output":
        encode_worker_output(output_from_json(decoded), profile, buf)
    else:
        raise AssertionError("unknown suite " + suite)
    return buf.getvalue()


def run_auth(vector):
    out = io.BytesIO()
    error = None
    try:
        if vector["role"] == "server":
            server_handshake(io.BytesIO(bytes.fromhex(vector["clientHex"])), out, vector["secret"])
            written = vector["serverHex"]
        else:
            client_handshake(io.BytesIO(bytes.fromhex(vector["serverHex"])), out, vector["secret"])
            written = vector["clientHex"]
    except ProtocolError as e:
        error = e
        written = vector["serverHex"] if vector["role"] == "server" else vector["clientHex"]
    assert out.getvalue().hex() == written
    if vector["outcome"] == "ok":
        assert error is None, str(error)
    else:
        assert error is not None, "expected %s, handshake succeeded" % vector["error"]
        assert error.rule_id == vector["error"], str(error)
        assert str(error).startswith(vector["error"] + ": ")


@pytest.mark.parametrize("suite,vector,profile", CASES)
def test_vector(suite, vector, profile):
    if suite == "auth":
        run_auth(vector)
        return
    p = Profile.parse(profile)
    limits = Limits.from_options(vector.get("options"))
    data = bytes.fromhex(vector["hex"])
    if "error" in vector:
        with pytest.raises(ProtocolError) as info:
            decode(suite, data, p, limits)
        assert info.value.rule_id == vector["error"], str(info.value)
        assert str(info.value).startswith(vector["error"] + ": ")
        return
    got = decode(suite, data, p, limits)
    assert got == vector["decoded"]
    # Also check map order (wire order) and JSON types (true is not 1).
    assert json.dumps(got) == json.dumps(vector["decoded"])
    if vector.get("roundTrip", True):
        assert encode(suite, vector["decoded"], p).hex() == vector["hex"]
