"""Input path specs as Hadoop reads them: commas separate paths except inside a ``{a,b}`` glob.

The gateway once split path specs on every comma (its own copy of the engine's file sources), so
``sc.wholeTextFiles("d/{a,b}.txt")`` threw PatternSyntaxException; now every file source uses the
engine's listing. The expected values are what pip pyspark 4.2.1 gives for the same program
(``_PROGRAM`` below); ``test_same_as_pyspark`` runs it under the real library when its venv is
there.
"""
import json
import os
import subprocess

import pytest
from kindling.protocol import time_factor

PYSPARK_PYTHON = "/work/main/fidelity/.venv-4.2.1/bin/python"

# pyspark 4.2.1, local[2], for the files _write_inputs makes ("D" stands for the directory).
PYSPARK_4_2_1 = {
    "nomatch": True,
    "text_brace": ["a1", "a2", "b1"],
    "text_list": ["a1", "a2", "b1", "c1"],
    "whole_brace": [["D/a.txt", "a1\na2\n"], ["D/b.txt", "b1\n"]],
    "whole_list": [["D/a.txt", "a1\na2\n"], ["D/b.txt", "b1\n"], ["D/c.txt", "c1\n"]],
    "whole_mapped": [["a.txt", 6], ["b.txt", 3]],
    "whole_partitions": [1, 2, 2, 3],
}

_PROGRAM = '''
import json, sys
if sys.argv[1] == "pyspark":
    from pyspark import SparkContext
else:
    from kindling import SparkContext
sc = SparkContext("local[2]", "globs")
print("RESULT " + json.dumps(run(sc, sys.argv[2]), sort_keys=True))
sc.stop()
'''


def run(sc, d):
    """The observations compared with pyspark; ``d`` is the input directory."""

    def pairs(rdd):
        return sorted([k.replace("file:" + d, "D"), v] for k, v in rdd.collect())

    out = {
        "text_brace": sorted(sc.textFile(d + "/{a,b}.txt").collect()),
        "whole_brace": pairs(sc.wholeTextFiles(d + "/{a,b}.txt")),
        "text_list": sorted(sc.textFile(d + "/a.txt," + d + "/{b,c}.txt").collect()),
        "whole_list": pairs(sc.wholeTextFiles(d + "/a.txt," + d + "/{b,c}.txt")),
        # the (path, content) pairs as a Python function's input
        "whole_mapped": sorted(sc.wholeTextFiles(d + "/{a,b}.txt")
                               .map(lambda kv: [kv[0].rsplit("/", 1)[1], len(kv[1])]).collect()),
        # files packed by size into partitions (the gateway's old copy made min(m, files))
        "whole_partitions": [sc.wholeTextFiles(d, m).getNumPartitions() for m in (1, 2, 3, 5)],
    }
    try:
        sc.wholeTextFiles(d + "/{x,y}.txt").collect()
        out["nomatch"] = "no error"
    except Exception as e:  # Py4JJavaError under pyspark, the gateway's error under Kindling
        out["nomatch"] = "Input Pattern" in str(e) and "matches 0 files" in str(e)
    return out


def _write_inputs(d):
    os.makedirs(d, exist_ok=True)
    for name, text in (("a.txt", "a1\na2\n"), ("b.txt", "b1\n"), ("c.txt", "c1\n")):
        with open(os.path.join(d, name), "w") as f:
            f.write(text)


def test_brace_globs_and_comma_lists_read_as_pyspark_does(sc, backend, tmp_path):
    if backend != "jvm":
        pytest.skip("the JVM's path listing is the subject")
    d = str(tmp_path / "d")
    _write_inputs(d)
    assert run(sc, d) == PYSPARK_4_2_1


def test_same_as_pyspark(tmp_path):
    if not os.path.exists(PYSPARK_PYTHON):
        pytest.skip("no pyspark 4.2.1 venv at " + PYSPARK_PYTHON)
    d = str(tmp_path / "d")
    _write_inputs(d)
    script = tmp_path / "globs.py"
    import inspect
    script.write_text(inspect.getsource(run) + _PROGRAM)
    done = subprocess.run([PYSPARK_PYTHON, str(script), "pyspark", d], capture_output=True, text=True,
                          timeout=time_factor.scaled(600))
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert lines, done.stderr[-2000:]
    assert json.loads(lines[0][len("RESULT "):]) == PYSPARK_4_2_1
