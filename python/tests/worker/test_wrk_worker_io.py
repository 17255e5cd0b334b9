"""The worker over real sockets in-process: decryption-server broadcasts (WRK-4.5.4, WRK-9.5),
streaming without deadlock (WRK-5.6), and the daemon's fork-failure reply (WRK-3.8)."""
import errno
import os
import pickle
import socket
import struct
import tempfile
import threading

import pytest

import worker_jvm as jvm
from kindling.broadcast import _from_id
from kindling.protocol.auth import new_secret, server_handshake
from kindling.protocol import time_factor

TIMEOUT = time_factor.scaled(20.0)


class _Ref:
    def __init__(self, bid):
        self.bid = bid

    def __reduce__(self):
        return _from_id, (self.bid,)


class _SockFile:
    def __init__(self, sock):
        self.sock = sock

    def read(self, n):
        return self.sock.recv(n)

    def write(self, data):
        self.sock.sendall(data)

    def flush(self):
        pass


def _decryption_server(values, secret=None, unix_path=None):
    """A one-shot JVM EncryptedPythonBroadcastServer: auth (TCP only), then per id the i64 id and
    the raw pickle; waits for the client's 0x31. Returns (address, thread, result dict)."""
    if unix_path:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(unix_path)
    else:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(TIMEOUT)
    result = {}

    def serve():
        try:
            conn, _ = listener.accept()
            conn.settimeout(TIMEOUT)
            f = _SockFile(conn)
            if secret is not None:
                server_handshake(f, f, secret)
            for bid, value in values:
                conn.sendall(struct.pack("!q", bid) + pickle.dumps(value))
            result["ack"] = conn.recv(1)
            conn.close()
        except Exception as e:  # reported through result
            result["error"] = e
        finally:
            listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    address = unix_path if unix_path else listener.getsockname()[1]
    return address, thread, result


@pytest.mark.spec("WRK-4.5.4", "WRK-9.5")
def test_WRK_9_5_broadcasts_from_the_decryption_server(monkeypatch):
    profile = "spark-4.2"
    monkeypatch.setenv("KINDLING_PROTOCOL_PROFILE", profile)
    secret = new_secret()
    port, thread, result = _decryption_server([(4, {"v": 4}), (6, [6])], secret=secret)
    section = jvm.BroadcastSection(
        decryption_server=jvm.DecryptionServer(port, secret),
        added=[jvm.AddedBroadcast(4), jvm.AddedBroadcast(6)])
    b4, b6 = _Ref(4), _Ref(6)
    hdr = jvm.header(profile, jvm.command(lambda s, it: iter([b4.value, b6.value])), broadcasts=section)
    out, code = jvm.run_task(jvm.task_bytes(profile, hdr))
    thread.join(TIMEOUT)
    assert "error" not in result, result.get("error")
    assert result["ack"] == b"1"
    assert jvm.parse_output(out, profile).values == [{"v": 4}, [6]]


def test_decryption_server_over_a_unix_socket(monkeypatch):
    profile = "spark-4.2"
    monkeypatch.setenv("KINDLING_PROTOCOL_PROFILE", profile)
    with tempfile.TemporaryDirectory(prefix="kd") as d:
        path = os.path.join(d, "b.sock")
        _, thread, result = _decryption_server([(2, "two")], unix_path=path)
        section = jvm.BroadcastSection(
            decryption_server=jvm.DecryptionServer(-1, path), added=[jvm.AddedBroadcast(2)])
        b2 = _Ref(2)
        hdr = jvm.header(profile, jvm.command(lambda s, it: iter([b2.value])), broadcasts=section)
        out, _ = jvm.run_task(jvm.task_bytes(profile, hdr))
        thread.join(TIMEOUT)
    assert result.get("ack") == b"1", result
    assert jvm.parse_output(out, profile).values == ["two"]


def test_decryption_server_sending_the_wrong_id_fails_the_task(monkeypatch):
    profile = "spark-4.2"
    monkeypatch.setenv("KINDLING_PROTOCOL_PROFILE", profile)
    secret = new_secret()
    port, thread, _ = _decryption_server([(5, "x")], secret=secret)
    section = jvm.BroadcastSection(decryption_server=jvm.DecryptionServer(port, secret),
                                   added=[jvm.AddedBroadcast(4)])
    hdr = jvm.header(profile, jvm.command(lambda s, it: it), broadcasts=section)
    out, code = jvm.run_task(jvm.task_bytes(profile, hdr))
    thread.join(TIMEOUT)
    assert "WRK-9.5" in jvm.parse_output(out, profile).exception
    assert code == -1


@pytest.mark.spec("WRK-5.6", "WRK-8.3")
def test_WRK_5_6_worker_streams_output_while_input_arrives(monkeypatch):
    """20 MB through a socket pair: only works if the worker writes while it still reads."""
    profile = "spark-4.2"
    monkeypatch.setenv("KINDLING_PROTOCOL_PROFILE", profile)
    from kindling.worker import main
    from kindling.serializers import NoOpSerializer

    jvm_sock, worker_sock = socket.socketpair()
    jvm_sock.settimeout(TIMEOUT)
    chunk = os.urandom(64 * 1024)
    n = 320
    hdr = jvm.header(profile, jvm.command(lambda s, it: it, deserializer=NoOpSerializer(),
                                          serializer=NoOpSerializer()))
    task = jvm.task_bytes(profile, hdr, b"".join(jvm.blob(chunk) for _ in range(n)))
    status = {}

    def run_worker():
        rfile = worker_sock.makefile("rb", 65536)
        wfile = worker_sock.makefile("wb", 65536)
        try:
            main(rfile, wfile)
            status["code"] = None
        except SystemExit as e:
            status["code"] = e.code
        finally:
            wfile.flush()

    def feed():
        jvm_sock.sendall(task)

    worker = threading.Thread(target=run_worker, daemon=True)
    writer = threading.Thread(target=feed, daemon=True)
    worker.start()
    writer.start()
    out = jvm.read_output(jvm_sock.makefile("rb"), profile)
    writer.join(TIMEOUT)
    worker.join(TIMEOUT)
    assert not worker.is_alive()
    assert status["code"] is None
    assert len(out.frames) == n and all(f == chunk for f in out.frames)
    assert out.reply == jvm.END_OF_STREAM
    jvm_sock.close()
    worker_sock.close()


@pytest.mark.spec("WRK-3.8")
def test_WRK_3_8_fork_failure_writes_a_negative_code(monkeypatch):
    from kindling import daemon as daemon_mod

    def no_fork():
        raise OSError(errno.ENOMEM, "Cannot allocate memory")

    d = daemon_mod._Daemon(lambda infile, outfile: None)
    jvm_side, daemon_side = socket.socketpair()
    jvm_side.settimeout(TIMEOUT)
    monkeypatch.setattr(os, "fork", no_fork)
    d.spawn(daemon_side)
    assert struct.unpack("!i", jvm_side.recv(4))[0] == -errno.ENOMEM
    assert jvm_side.recv(1) == b""
    assert d.children == set()
    jvm_side.close()


@pytest.mark.spec("WRK-4.5.4", "WRK-9.5")
def test_WRK_9_5_spark_3_5_jvm_waits_for_the_exchange_before_the_eval_type(monkeypatch):
    """Spark 3.5's JVM writes the eval type and the command only once the worker has fetched the
    decrypted broadcasts; the worker must not wait for them before that exchange."""
    profile = "spark-3.5"
    monkeypatch.setenv("KINDLING_PROTOCOL_PROFILE", profile)
    from kindling.worker import main

    secret = new_secret()
    port, server, result = _decryption_server([(3, "three")], secret=secret)
    section = jvm.BroadcastSection(decryption_server=jvm.DecryptionServer(port, secret),
                                   added=[jvm.AddedBroadcast(3)])
    b3 = _Ref(3)
    cmd = jvm.command(lambda s, it: iter([b3.value] + list(it)))
    full = jvm.header_bytes(profile, jvm.header(profile, cmd, broadcasts=section))
    tail_len = 4 + 4 + len(cmd)  # i32 evalType, blob command
    prefix, tail = full[:-tail_len], full[-tail_len:]

    jvm_sock, worker_sock = socket.socketpair()
    jvm_sock.settimeout(TIMEOUT)
    status = {}

    def run_worker():
        rfile = worker_sock.makefile("rb", 65536)
        wfile = worker_sock.makefile("wb", 65536)
        try:
            main(rfile, wfile)
        except SystemExit as e:
            status["code"] = e.code
        finally:
            wfile.flush()

    worker = threading.Thread(target=run_worker, daemon=True)
    worker.start()
    jvm_sock.sendall(prefix)
    server.join(TIMEOUT)  # the JVM's waitTillBroadcastDataSent
    assert result.get("ack") == b"1", result
    jvm_sock.sendall(tail + jvm.pickled_frames(["x"]) + jvm.i32(-1) + jvm.i32(-4))
    out = jvm.read_output(jvm_sock.makefile("rb"), profile)
    worker.join(TIMEOUT)
    assert out.values == ["three", "x"]
    assert "code" not in status
    jvm_sock.close()
    worker_sock.close()


@pytest.mark.spec("WRK-2.8", "WRK-3.6")
@pytest.mark.parametrize("ipv6", [False, True])
def test_WRK_2_8_daemon_listens_on_loopback_only(monkeypatch, ipv6):
    from kindling import daemon as daemon_mod

    if ipv6:
        try:
            socket.socket(socket.AF_INET6, socket.SOCK_STREAM).close()
        except OSError:
            pytest.skip("no IPv6")
        monkeypatch.setenv("SPARK_PREFER_IPV6", "true")
    d = daemon_mod._Daemon(lambda infile, outfile: None)
    try:
        announcement = d._listen()
    except OSError as e:
        pytest.skip("cannot bind: %s" % e)
    try:
        host, port = d.listen_sock.getsockname()[:2]
        assert host == ("::1" if ipv6 else "127.0.0.1")
        assert struct.unpack("!i", announcement)[0] == port
    finally:
        d.listen_sock.close()
