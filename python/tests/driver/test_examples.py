"""The examples: they import only ``from kindling import SparkContext, SparkConf`` plus the
standard library (so swapping in ``pyspark`` runs them on Spark), and they print the right
results on the real JVM."""
import ast
import collections
import glob
import os
import re
import subprocess
import sys

import pytest

from conftest import jvm_classpath_or_skip
from kindling.protocol import time_factor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
EXAMPLES = os.path.join(ROOT, "examples")
SCRIPTS = ["wordcount.py", "pi.py", "pagerank.py", "join_groupby.py"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_examples_import_only_spark_context_and_conf(script):
    tree = ast.parse(open(os.path.join(EXAMPLES, script)).read())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "kindling":
            assert node.module == "kindling"
            assert sorted(a.name for a in node.names) == ["SparkConf", "SparkContext"]
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names, "%s imports %s" % (script, name)


def _run(args, timeout=None):
    timeout = time_factor.scaled(180) if timeout is None else timeout
    jvm_classpath_or_skip()
    env = dict(os.environ)
    env.pop("PYSPARK_GATEWAY_PORT", None)
    return subprocess.run([sys.executable] + args, capture_output=True, text=True, timeout=timeout,
                          env=env, cwd=ROOT)


def _expected_top(paths, n):
    word = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
    counts = collections.Counter()
    for path in paths:
        with open(path) as f:
            for line in f:
                counts.update(word.findall(line.lower()))
    return ["%s\t%d" % wc for wc in sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:n]]


def test_corpus_is_a_few_hundred_lines():
    lines = sum(len(open(p).read().splitlines()) for p in glob.glob(os.path.join(EXAMPLES, "data", "corpus", "*.txt")))
    assert lines >= 300


def test_wordcount_default_corpus():
    result = _run([os.path.join(EXAMPLES, "wordcount.py")])
    assert result.returncode == 0, result.stderr
    corpus = sorted(glob.glob(os.path.join(EXAMPLES, "data", "corpus", "*.txt")))
    assert result.stdout.splitlines() == _expected_top(corpus, 10)


def test_wordcount_file_top_and_master(tmp_path):
    text = tmp_path / "words.txt"
    text.write_text("b a c a b a\nA c d\n")
    result = _run([os.path.join(EXAMPLES, "wordcount.py"), str(text), "--top", "3", "--master", "local"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["a\t4", "b\t2", "c\t2"]


def test_pi():
    result = _run([os.path.join(EXAMPLES, "pi.py"), "2", "--samples", "20000"])
    assert result.returncode == 0, result.stderr
    value = float(result.stdout.split()[-1])
    assert abs(value - 3.14159) < 0.1


def test_pagerank_ranks_sum_to_page_count():
    result = _run([os.path.join(EXAMPLES, "pagerank.py")])
    assert result.returncode == 0, result.stderr
    ranks = dict(line.split("\t") for line in result.stdout.splitlines())
    assert set(ranks) == {"home", "about", "blog", "shop", "team", "post-1", "post-2"}
    assert sum(float(r) for r in ranks.values()) == pytest.approx(7.0, abs=0.05)
    assert result.stdout.splitlines()[0].startswith("home\t")


def test_join_groupby():
    result = _run([os.path.join(EXAMPLES, "join_groupby.py")])
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "  Porto\t121.00" in out and "  Lisbon\t116.00" in out and "  Farah\t0" in out
    assert "  kettle\t29.62" in out and "orders from unknown customers: [7]" in out
