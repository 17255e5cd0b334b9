"""Writes python/tests/driver/fixtures/samplers-pyspark.json: what pip pyspark's own per-partition
samplers draw for a few seeds, partitions and fractions, so test_pure_parts can check that
Kindling's samplers draw exactly the same elements. Run with the fidelity venv's python:

    fidelity/.venv-4.2.1/bin/python fidelity/make_sampler_fixture.py
"""
import json
import os

import pyspark
from pyspark.rddsampler import RDDRangeSampler, RDDSampler, RDDStratifiedSampler

CASES = [
    # (kind, args, partition)
    ("bernoulli", [False, 0.3, 42], 0),
    ("bernoulli", [False, 0.3, 42], 5),
    ("bernoulli", [True, 0.7, 7], 1),
    ("bernoulli", [True, 25.0, 11], 2),
    ("range", [0.2, 0.65, 9], 3),
    ("stratified", [False, {"a": 0.25, "b": 0.9}, 13], 0),
    ("stratified", [True, {"a": 1.5, "b": 30.0}, 17], 4),
]


def data_for(kind):
    if kind == "stratified":
        return [("a" if i % 3 else "b", i) for i in range(60)]
    return list(range(120))


def run(kind, args, partition):
    if kind == "bernoulli":
        sampler = RDDSampler(*args)
    elif kind == "range":
        sampler = RDDRangeSampler(*args)
    else:
        sampler = RDDStratifiedSampler(*args)
    return [list(x) if isinstance(x, tuple) else x for x in sampler.func(partition, iter(data_for(kind)))]


def main():
    out = {"pyspark": pyspark.__version__,
           "cases": [{"kind": k, "args": a, "partition": p, "expected": run(k, a, p)} for k, a, p in CASES]}
    path = os.path.join(os.path.dirname(__file__), "..", "python", "tests", "driver", "fixtures",
                        "samplers-pyspark.json")
    with open(path, "w") as f:
        f.write('{"pyspark": %s, "cases": [\n' % json.dumps(out["pyspark"]))
        f.write(",\n".join(json.dumps(case) for case in out["cases"]))
        f.write("\n]}\n")


if __name__ == "__main__":
    main()
