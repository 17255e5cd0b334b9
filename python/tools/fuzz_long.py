#!/usr/bin/env python3
"""Long fuzz runs of every Python decoder of ``kindling.protocol``: millions of inputs each.

Hypothesis (``python/tests/decoder_fuzz.py``) spends most of its time on its own bookkeeping,
a few thousand inputs a second at best, which is right for the short CI pass and far too slow for
10 M inputs per decoder. This is a plain seeded mutator around the same property
(``decoder_fuzz.check``) and the same seeds (the committed corpora):

* an input is a seed, or an earlier input that gave a new outcome (below), put through 1 to 8
  byte-level mutations (flip, insert, delete, truncate, an interesting i32, a splice from another
  pool entry, a duplicated range), or, one time in sixteen, random bytes;
* the property, per input: the decoder returns or raises ``ProtocolError`` naming a spec rule
  (anything else is a finding); no read asks for more than the bounded chunk (WRK-1.4); the
  address space is capped (``--max-memory``, default 1 GiB) so that an allocation from an
  unchecked length fails as ``MemoryError``, which is a finding; and no input runs longer than
  ``--deadline`` seconds (a watchdog thread interrupts it: a hang is a finding);
* cheap feedback: an input whose outcome (returned, or the rule and the shape of the message with
  its numbers blanked) was not seen before joins the mutation pool (at most ``--pool`` entries).

Findings are written to ``--findings`` (default ``python/target/fuzz/<decoder>/``) as
``finding-<sha1>`` / ``hang-<sha1>``; turn each into a regression vector in
``protocol-spec/vectors`` (``protocol-spec/tools/make_vectors.py``) and fix the decoder.

    .venv/bin/python python/tools/fuzz_long.py [--inputs 10000000] [--decoder frames ...] [--seed 1]
        [--rounds 10 --table target/fuzz-py.md]

Prints one table row per decoder, the columns of ``protocol-spec/tools/fuzz.sh``: inputs tried,
seconds, inputs/s, findings, the load average at the end. Exit status 1 if anything was found.
"""
import argparse
import hashlib
import os
import random
import signal
import re
import struct
import sys
import threading
import time
import _thread

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(os.path.dirname(HERE), "tests")
sys.path.insert(0, TESTS)

import decoder_fuzz  # noqa: E402  (the property, the decoders and the seeds)

_INTERESTING_I32 = decoder_fuzz._INTERESTING_I32
_I32 = [struct.pack(">i", v) for v in _INTERESTING_I32]
_NUMBER = re.compile(r"-?\d+")


class Mutator:
    """Seeded byte-level mutations (the operators of ``decoder_fuzz.mutated``, without Hypothesis)."""

    def __init__(self, pool, rng, max_len=1 << 16):
        self.pool = list(pool) or [b""]
        self.rng = rng
        self.max_len = max_len

    def next_input(self):
        # random() and int() instead of randint/randrange: the mutator was half the time per input.
        rnd = self.rng.random
        if rnd() < 1 / 16:
            return self.rng.randbytes(int(rnd() * 257))
        pool = self.pool
        data = bytearray(pool[int(rnd() * len(pool))])
        for _ in range(1 + int(rnd() * 8)):
            op = int(rnd() * 7)
            pos = int(rnd() * (len(data) + 1))
            if op == 0 and data:
                data[min(pos, len(data) - 1)] ^= 1 + int(rnd() * 255)
            elif op == 1:
                data[pos:pos] = self.rng.randbytes(1 + int(rnd() * 16))
            elif op == 2 and data:
                del data[pos:pos + 1 + int(rnd() * 16)]
            elif op == 3:
                del data[pos:]
            elif op == 4:
                data[pos:pos + 4] = _I32[int(rnd() * len(_I32))]
            elif op == 5:
                other = pool[int(rnd() * len(pool))]
                a = int(rnd() * (len(other) + 1))
                data[pos:pos] = other[a:a + int(rnd() * 65)]
            else:
                data[pos:pos] = data[pos:pos + 1 + int(rnd() * 32)]
        if len(data) > self.max_len:
            del data[self.max_len:]
        return bytes(data)


def outcome(decoder, data):
    """Runs the property on one input; returns its outcome signature (the property raises
    AssertionError on a finding)."""
    raw = decoder_fuzz.RecordingReader(data)
    try:
        decoder_fuzz.DECODERS[decoder](raw)
    except decoder_fuzz.ProtocolError as e:
        if e.rule_id not in decoder_fuzz.RULE_IDS or not str(e).startswith(e.rule_id + ": "):
            decoder_fuzz.check(decoder, data)  # raises the property's own message
        sig = "E " + _NUMBER.sub("#", str(e))[:120]
    except Exception as e:  # noqa: BLE001 - any other exception is the finding we look for
        raise AssertionError("%s: %s: %s instead of a ProtocolError on %s"
                             % (decoder, type(e).__name__, e, data[:512].hex())) from e
    else:
        sig = "ok"
    limit = max(decoder_fuzz.READ_CHUNK, 1 << 16)
    for n in raw.requests:
        if n is not None and n > limit:
            raise AssertionError("%s: a read of %d bytes (WRK-1.4: bound before reading) on %s"
                                 % (decoder, n, data[:512].hex()))
    return sig


class Watchdog:
    """Interrupts the fuzzing (main) thread when one input runs longer than ``deadline`` seconds."""

    def __init__(self, deadline):
        self.deadline = deadline
        self.started = None  # monotonic start of the current input, None between inputs
        self.fired = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fuzz-watchdog", daemon=True)
        self._thread.start()

    def _run(self):
        tick = min(1.0, self.deadline / 4)
        while not self._stop.wait(tick):
            s = self.started
            if s is not None and not self.fired and time.monotonic() - s > self.deadline:
                self.fired = True
                _thread.interrupt_main()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)


def save(findings_dir, decoder, kind, data, why):
    d = os.path.join(findings_dir, decoder)
    os.makedirs(d, exist_ok=True)
    name = "%s-%s" % (kind, hashlib.sha1(data).hexdigest())
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)
    with open(os.path.join(d, name + ".txt"), "w", encoding="utf-8") as f:
        f.write(why + "\n")
    return name


def fuzz(decoder, inputs, seed=1, deadline=10.0, pool_cap=4096, findings_dir=None, progress=None,
         max_findings=20):
    """Fuzzes ``decoder`` with ``inputs`` inputs; returns (tried, seconds, findings list)."""
    rng = random.Random("%s/%d" % (decoder, seed))
    mut = Mutator(decoder_fuzz.seeds(decoder), rng)
    seen = set()
    findings = []
    # The watchdog interrupts through SIGINT's handler: with SIGINT ignored (a background job of
    # a non-interactive shell, as nohup or a CI runner starts it) or handled by someone else, a
    # hang would never be interrupted, so the default handler is installed while fuzzing.
    restore = None
    if threading.current_thread() is threading.main_thread():
        restore = signal.signal(signal.SIGINT, signal.default_int_handler)
    dog = Watchdog(deadline)
    t0 = time.monotonic()
    next_report = t0 + 60
    tried = 0
    try:
        while tried < inputs and len(findings) < max_findings:
            data = b""
            try:
                data = mut.next_input()
                tried += 1
                dog.started = time.monotonic()
                sig = outcome(decoder, data)
                dog.started = None
            except AssertionError as e:
                dog.started = None
                why = str(e).splitlines()[0][:500]
                findings.append(why)
                if findings_dir:
                    save(findings_dir, decoder, "finding", data, why)
                continue
            except KeyboardInterrupt:
                if not dog.fired:
                    raise  # a real ^C
                started, dog.started, dog.fired = dog.started, None, False
                if started is None or time.monotonic() - started < deadline:
                    continue  # the overrunning input ended just before the interrupt landed here
                why = "%s: no result within %.0f s (hang) on %s" % (decoder, deadline, data[:512].hex())
                findings.append(why)
                if findings_dir:
                    save(findings_dir, decoder, "hang", data, why)
                continue
            if sig not in seen and len(mut.pool) < pool_cap:
                seen.add(sig)
                mut.pool.append(data)
            if progress is not None and (tried & 0x3FFF) == 0:
                now = time.monotonic()
                if now >= next_report:
                    next_report = now + 60
                    progress("%s: %d inputs, %.0f s, %d/s, %d findings, pool %d, load %s"
                             % (decoder, tried, now - t0, tried / (now - t0), len(findings), len(mut.pool),
                                load_average()))
    finally:
        dog.stop()
        if restore is not None:
            signal.signal(signal.SIGINT, restore)
    return tried, time.monotonic() - t0, findings


def load_average():
    try:
        return "%.1f" % os.getloadavg()[0]
    except OSError:
        return "?"


def cap_memory(nbytes):
    """Caps the address space so that an unchecked allocation fails as MemoryError (a finding)."""
    try:
        import resource
    except ImportError:
        return False
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and hard < nbytes:
        nbytes = hard
    resource.setrlimit(resource.RLIMIT_AS, (nbytes, hard))
    return True


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inputs", type=int, default=10_000_000, help="inputs per decoder (default 10 M)")
    ap.add_argument("--decoder", action="append", choices=sorted(decoder_fuzz.DECODERS),
                    help="only these (repeatable; default: all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--deadline", type=float, default=10.0, help="seconds one input may take")
    ap.add_argument("--pool", type=int, default=4096, help="most inputs kept for mutation")
    ap.add_argument("--max-memory", default="1g", help="address-space cap (e.g. 1g; 0: none)")
    ap.add_argument("--findings", default=os.path.join(os.path.dirname(HERE), "target", "fuzz"))
    ap.add_argument("--rounds", type=int, default=1,
                    help="split each decoder's inputs into this many rounds, all decoders per round")
    ap.add_argument("--table", help="rewrite the table into this file after every round")
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    a = ap.parse_args(argv)
    mem = a.max_memory.lower()
    mult = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    cap = int(mem[:-1]) * mult[mem[-1]] if mem[-1:] in mult else int(mem)
    if cap:
        cap_memory(cap)
    progress = None if a.quiet else (lambda s: print(s, file=sys.stderr, flush=True))
    names = a.decoder or list(decoder_fuzz.DECODERS)
    per_round = -(-a.inputs // a.rounds)
    totals = {n: [0, 0.0, []] for n in names}
    for r in range(a.rounds):
        # Round r of every decoder before round r + 1 of any: a run stopped early (a deadline, a busy
        # machine) has tried every decoder about equally. Each round has its own seed.
        for name in names:
            want = min(per_round, a.inputs - totals[name][0])
            if want <= 0:
                continue
            tried, secs, found = fuzz(name, want, a.seed * 1000 + r, a.deadline, a.pool, a.findings, progress)
            t = totals[name]
            t[0] += tried
            t[1] += secs
            t[2].extend(found)
            if progress:
                progress("round %d/%d %s: %d inputs in %.0f s, total %d, findings %d, load %s"
                         % (r + 1, a.rounds, name, tried, secs, t[0], len(t[2]), load_average()))
        if a.table:
            with open(a.table, "w", encoding="utf-8") as f:
                f.write(table(totals, "after round %d of %d" % (r + 1, a.rounds)))
    sys.stdout.write(table(totals, None))
    return 1 if any(t[2] for t in totals.values()) else 0


def table(totals, note):
    rows = ["| decoder (Python) | inputs tried | seconds | inputs/s | findings | load average |",
            "|---|---|---|---|---|---|"]
    for name, (tried, secs, found) in totals.items():
        f = str(len(found)) if not found else "%d: %s" % (len(found), found[0][:200].replace("|", "/"))
        rows.append("| %s | %d | %.0f | %d | %s | %s |" % (name, tried, secs, tried / secs if secs else 0, f,
                                                         load_average()))
    if note:
        rows.append("")
        rows.append("(%s)" % note)
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.exit(main())
