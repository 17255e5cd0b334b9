"""Kindling's Python is written in its own words (issue 18, licence): ``fidelity/own-words.py``
compares every module of ``python/kindling`` with its counterpart in pip pyspark's source.

The tool's own logic is checked on small made-up packages (always); the package itself is
checked against a real pyspark when one is installed: ``fidelity/.venv-4.2.1`` (created by
``fidelity/setup-venv.sh 4.2.1``) or the venv / pyspark directory in ``KINDLING_PYSPARK_SOURCE``.
"""
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kindling.protocol import time_factor

ROOT = Path(__file__).resolve().parents[2]
TOOL = ROOT / "fidelity" / "own-words.py"

# What the package reaches today (issue 18: before the rewrite 15.2% of its statements were
# PySpark's, rdd.py 43%, with 83 runs of up to 11); lower them, never raise them.
MAX_RUN = 3  # no block of three consecutive statements of PySpark's
MAX_TOTAL_PERCENT = 8.0  # identical non-trivial statements, all modules together
MAX_PERCENT = 30.0  # ... in any one module of at least MIN_LINES statements
MIN_LINES = 30  # below that a percentage says little (3 lines of ResultIterable)


def _tool():
    spec = importlib.util.spec_from_file_location("own_words", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _package(root, name, files):
    package = root / name
    for rel, text in files.items():
        path = package / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    (package / "__init__.py").touch()
    return package


THEIRS = '''
    import os


    def spread(values, width):
        """Their docstring."""
        buckets = [[] for _ in range(width)]
        for i, value in enumerate(values):
            buckets[i % width].append(value)
        total = sum(len(b) for b in buckets)
        return buckets, total
    '''


def _run(tmp_path, ours, *args):
    theirs = _package(tmp_path, "pyspark", {"spread.py": THEIRS})
    kindling = _package(tmp_path, "kindling", {"spread.py": ours})
    return subprocess.run(
        [sys.executable, str(TOOL), str(theirs), "--kindling", str(kindling), "--json", *args],
        capture_output=True, text=True, timeout=time_factor.scaled(60))


def test_a_copied_block_is_found_however_it_is_wrapped_commented_and_quoted(tmp_path):
    copied = '''
        """Our docstring."""
        import os  # imports do not count


        def spread(values, width):
            # a comment of ours
            buckets = [[] for _ in range(
                width)]
            for i, value in enumerate(values):
                buckets[i % width].append(value)
            total = sum(len(b)
                        for b in buckets)
            return buckets, total
        '''
    result = _run(tmp_path, copied, "--max-run", "4")
    report = json.loads(result.stdout)
    spread = next(m for m in report["modules"] if m["module"] == "spread.py")
    # the def line is public API (left out); its four body statements are all theirs
    assert (spread["code_lines"], spread["identical"], spread["longest_run"]) == (5, 5, 5)
    assert spread["counterparts"] == ["spread.py"]
    assert result.returncode == 1, result.stdout
    assert "spread.py: a run of 5 identical lines (>= 4)" in report["failures"]


def test_the_same_behaviour_in_other_words_passes(tmp_path):
    reworded = '''
        def spread(values, width):
            """Deals the values round-robin into ``width`` lists."""
            dealt = [values[start::width] for start in range(width)]
            return dealt, len(values)
        '''
    result = _run(tmp_path, reworded, "--max-run", "3", "--max-percent", "0")
    report = json.loads(result.stdout)
    assert result.returncode == 0, result.stdout
    assert report["total"]["identical"] == 0


def test_trivial_statements_interface_lines_and_parameter_stores_do_not_count():
    tool = _tool()
    kinds = {text: kind for _, text, kind in tool.statements(textwrap.dedent('''
        """Module docstring."""
        from os import (
            path,
        )
        __all__ = ["Thing"]
        LIMIT = -1


        def fail():
            raise ValueError("a message of PySpark's")


        class Thing:
            def __init__(self, size):
                self.size = size

            @property
            def closed(self):
                """Docstring."""
                if self.size:
                    return None
                else:
                    pass
                return self.size + 1

            def _helper(self, count):
                def inner(rows):
                    return [r + count for r in rows]
                return "x" 'y'
        '''))}
    assert kinds["class Thing :"] == "api"
    assert kinds["def __init__ ( self , size ) :"] == "api"
    # a member's header is interface even when private (PySpark's code calls some of them) ...
    assert kinds["def _helper ( self , count ) :"] == "api"
    assert kinds["def inner ( rows ) :"] == "code"  # ... a nested function's is not
    assert kinds["self . size = size"] == "trivial"
    assert kinds["LIMIT = - 1"] == "api"
    assert kinds["raise ValueError ( \"a message of PySpark's\" )"] == "api"
    assert kinds["return None"] == "trivial"
    assert kinds["else :"] == "trivial"
    assert kinds["return self . size + 1"] == "code"
    assert kinds["return 'xy'"] == "trivial"  # one string, whatever its quotes
    assert all(kind != "code" for text, kind in kinds.items() if "import" in text or "__all__"
               in text or text.startswith("@") or "docstring" in text.lower())


def _pyspark_source():
    configured = os.environ.get("KINDLING_PYSPARK_SOURCE")
    candidates = [Path(configured)] if configured else []
    candidates.append(ROOT / "fidelity" / ".venv-4.2.1")
    for candidate in candidates:
        if (candidate / "__init__.py").is_file() or list(
                candidate.glob("lib/python*/site-packages/pyspark/__init__.py")):
            return candidate
    return None


def test_kindling_is_written_in_its_own_words():
    source = _pyspark_source()
    if source is None:
        pytest.skip("no pip pyspark to compare with: run fidelity/setup-venv.sh 4.2.1 or set "
                    "KINDLING_PYSPARK_SOURCE to a venv with pyspark")
    result = subprocess.run(
        [sys.executable, str(TOOL), str(source), "--max-run", str(MAX_RUN),
         "--max-total-percent", str(MAX_TOTAL_PERCENT), "--max-percent", str(MAX_PERCENT),
         "--min-lines", str(MIN_LINES)],
        capture_output=True, text=True, timeout=time_factor.scaled(300))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rdd.py" in result.stdout and "serializers.py" in result.stdout
