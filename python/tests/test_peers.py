"""The reference protocol peers (protocol-spec/peers): every break names rules the spec has and is
listed, with those rules, in the peers' README; a peer refuses a break it does not know; and the
reference worker's bytes pass the worker tests' strict output parser unbroken and fail it broken,
so a break changes the bytes it says it changes."""
import io
import os
import re
import subprocess
import sys

import pytest

from kindling.protocol import time_factor
from protocol_helpers import REPO_ROOT

PEERS = os.path.join(REPO_ROOT, "protocol-spec", "peers")
if PEERS not in sys.path:
    sys.path.insert(0, PEERS)
WORKER_TESTS = os.path.join(REPO_ROOT, "python", "tests", "worker")
if WORKER_TESTS not in sys.path:
    sys.path.append(WORKER_TESTS)

from kindling_peers import breaks  # noqa: E402

import worker_jvm as jvm  # noqa: E402

MODULES = {"worker": ["kindling_peers.worker", "kindling_peers.daemon"],
           "gateway": ["kindling_peers.gateway"],
           "conn_info_reader": ["kindling_peers.conn_info_reader"]}


def _spec_rules():
    ids = set()
    spec = os.path.join(REPO_ROOT, "protocol-spec", "spec")
    for name in os.listdir(spec):
        if name.endswith(".md"):
            with open(os.path.join(spec, name), encoding="utf-8") as f:
                ids |= set(re.findall(r"\*\*\[([A-Z]+-\d+(?:\.\d+)*)\]\*\*", f.read()))
    return ids


def _readme_sections():
    with open(os.path.join(PEERS, "README.md"), encoding="utf-8") as f:
        text = f.read()
    sections = {}
    for part in text.split("\n### ")[1:]:
        sections[part.split()[0]] = part
    return sections


def test_every_break_names_rules_the_spec_has():
    known = _spec_rules()
    assert len(known) > 100
    for role, table in breaks.TABLES.items():
        for name, brk in table.items():
            assert brk.rules, (role, name)
            assert set(brk.rules) <= known, (role, name, brk.rules)


def test_the_readme_lists_every_break_with_its_rules():
    sections = _readme_sections()
    assert set(breaks.TABLES) <= set(sections)
    for role, table in breaks.TABLES.items():
        rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| ([^|]+) \|", sections[role], re.M)}
        assert set(rows) == set(table), role
        for name, brk in table.items():
            assert rows[name].strip() == ", ".join(brk.rules), (role, name)


@pytest.mark.parametrize("role,module", [(r, m) for r, ms in MODULES.items() for m in ms])
def test_a_peer_refuses_a_break_it_does_not_know(role, module):
    known = next(iter(breaks.TABLES[role]))
    env = dict(os.environ, PYTHONPATH=PEERS, KINDLING_PEER_BREAK=known + ",no_such_break")
    done = subprocess.run([sys.executable, "-m", module], env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=time_factor.scaled(60))
    assert done.returncode == 2, done.stderr
    assert "%s: unknown break no_such_break (known: " % role in done.stderr


def test_parse_reads_a_list_and_names_the_unknown():
    assert breaks.parse(" silent , pin_ignored,", breaks.GATEWAY, "gateway") == {"silent", "pin_ignored"}
    assert breaks.parse("", breaks.GATEWAY, "gateway") == frozenset()
    with pytest.raises(ValueError, match=r"gateway: unknown break trailing \(known: any_address, "):
        breaks.parse("trailing", breaks.GATEWAY, "gateway")


def _double(split, it):
    return (x * 2 for x in it)


def _run_reference_worker(monkeypatch, profile, broken=frozenset()):
    from kindling_peers import worker

    monkeypatch.setenv("KINDLING_PROTOCOL_PROFILE", profile)
    monkeypatch.setattr(worker, "BROKEN", frozenset(broken))
    task = jvm.task_bytes(profile, jvm.header(profile, jvm.command(_double)), jvm.pickled_frames(range(5)))
    out = io.BytesIO()
    code = worker.main(io.BytesIO(task), out)
    return code, out.getvalue()


@pytest.mark.parametrize("profile", jvm.PROFILES)
def test_the_unbroken_reference_worker_passes_the_strict_output_parser(monkeypatch, profile):
    code, output = _run_reference_worker(monkeypatch, profile)
    assert code == 0
    parsed = jvm.parse_output(output, profile)
    assert parsed.values == [0, 2, 4, 6, 8]
    assert parsed.exception is None
    assert parsed.spill == (0, 0)
    assert parsed.reply == jvm.END_OF_STREAM


@pytest.mark.parametrize("brk", ["little_endian", "three_timing_longs", "timing_before_data", "no_end_of_stream"])
def test_a_broken_reference_worker_fails_the_strict_output_parser(monkeypatch, brk):
    code, output = _run_reference_worker(monkeypatch, "spark-4.2", {brk})
    with pytest.raises((AssertionError, EOFError)):
        jvm.parse_output(output, "spark-4.2")
