"""Random RDD pipelines, run the same way on Kindling and on real pip pyspark.

This file imports neither library: ``run(sc, spec)`` uses only the RDD API of the ``sc`` it is
given. Both sides load it with :func:`load` (executed into a namespace whose module name cannot
be imported), so that cloudpickle ships its functions by value to either library's workers.

A spec is JSON: ``{"data": [ints], "slices": n, "steps": [[name, arg, ...], ...]}``. The
interpreter keeps, next to the RDD, what Spark defines about its layout, and observes only that:

* ``EXACT``: partitions and the order inside them (``glom()`` compared as is);
* ``MEMBERS``: which partition holds which elements, not their order (after a hash shuffle:
  each partition compared sorted);
* ``SEQUENCE``: the order of ``collect()``, not the partition boundaries (a sort whose range
  bounds came from a sample of an input whose order inside partitions is not defined);
* ``NONE``: only the multiset of elements.

Steps whose result depends on something undefined at that point (``zipWithIndex`` after a
shuffle, ...) are skipped, the same way on both sides. ``repartition`` and ``coalesce`` keep
``EXACT`` only with ``jvm_layout=True`` (their partition layout is the JVM side's business; by
default their result is compared as a multiset).
"""
import json
import operator

EXACT, MEMBERS, SEQUENCE, NONE = "exact", "members", "sequence", "none"
_RANK = {EXACT: 3, MEMBERS: 2, SEQUENCE: 1, NONE: 0}


def load(path):
    """The functions of this file from a namespace cloudpickle cannot import (so: by value)."""
    namespace = {"__name__": "kindling_differential_pipelines"}
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), namespace)
    return namespace


def _narrow_position(state):
    """After a step that depends on the partition index or the position in it."""
    return state if state in (EXACT, MEMBERS) else NONE


def _int_step(sc, rdd, state, step, jvm_layout):
    name, args = step[0], step[1:]
    if name == "map":
        a = args[0]
        return rdd.map(lambda x: x * a - 1), state, "int"
    if name == "filter":
        m = args[0]
        return rdd.filter(lambda x: x % m != 0), state, "int"
    if name == "flatMap":
        m = args[0]
        return rdd.flatMap(lambda x: [x] * (abs(x) % m)), state, "int"
    if name == "mapPartitionsWithIndex":
        return (rdd.mapPartitionsWithIndex(lambda i, it: (x + 1000 * i for x in it)),
                _narrow_position(state), "int")
    if name == "glomSum":
        return rdd.mapPartitions(lambda it: [sum(it)]), _narrow_position(state), "int"
    if name == "unionSelf":
        return rdd.union(rdd.map(lambda x: -x)), state, "int"
    if name == "distinct":
        return rdd.distinct(args[0]), MEMBERS, "int"
    if name == "sortBy":
        ascending, n = args
        return rdd.sortBy(lambda x: x, ascending, n), EXACT if state == EXACT else SEQUENCE, "int"
    if name == "sample":
        if state != EXACT:
            return None
        replace, fraction, seed = args
        return rdd.sample(replace, fraction, seed), EXACT, "int"
    if name == "zipWithIndex":
        if state != EXACT:
            return None
        return rdd.zipWithIndex().map(lambda p: p[0] * 1000 + p[1]), EXACT, "int"
    if name == "zipWithUniqueId":
        if state not in (EXACT, MEMBERS):
            return None
        return rdd.zipWithUniqueId().map(lambda p: p[0] * 1000 + p[1]), state, "int"
    if name == "cartesian":
        other = sc.parallelize([0, 1, 2], args[0])
        return (rdd.cartesian(other).map(lambda p: p[0] * 10 + p[1]), _narrow_position(state),
                "int")
    if name == "intersection":
        return rdd.intersection(rdd.filter(lambda x: x % 2 == 0)), MEMBERS, "int"
    if name == "subtract":
        return rdd.subtract(rdd.filter(lambda x: x > 5), args[0]), MEMBERS, "int"
    if name == "keyBy":
        m = args[0]
        return rdd.keyBy(lambda x: x % m), state, "pair"
    if name == "repartition":
        if state != EXACT:
            return None
        return rdd.repartition(args[0]), EXACT if jvm_layout else NONE, "int"
    if name == "coalesce":
        if state != EXACT:
            return None
        n, shuffle = args
        return rdd.coalesce(n, shuffle), EXACT if jvm_layout else NONE, "int"
    return None


def _pair_step(sc, rdd, state, step):
    name, args = step[0], step[1:]
    if name == "reduceByKey":
        return rdd.reduceByKey(operator.add, args[0]), MEMBERS, "pair"
    if name == "groupByKey":
        return (rdd.groupByKey(args[0]).mapValues(lambda vs: len(vs) * 1000 + sum(vs)), MEMBERS,
                "pair")
    if name == "foldByKey":
        return rdd.foldByKey(0, operator.add, args[0]), MEMBERS, "pair"
    if name == "aggregateByKey":
        return (rdd.aggregateByKey(0, lambda a, v: a + abs(v), operator.add, args[0]), MEMBERS,
                "pair")
    if name == "partitionBy":
        return rdd.partitionBy(args[0]), MEMBERS, "pair"
    if name == "sortByKey":
        # keys made unique (key, value) so that the order is total
        ascending, n = args
        total = rdd.map(lambda kv: ((kv[0], kv[1]), kv[1])).sortByKey(ascending, n)
        return total.map(lambda kv: (kv[0][0], kv[1])), EXACT if state == EXACT else SEQUENCE, "pair"
    if name == "mapValues":
        a = args[0]
        return rdd.mapValues(lambda v: v * a + 1), state, "pair"
    if name == "joinSelf":
        return rdd.join(rdd).mapValues(lambda p: p[0] * 100 + p[1]), MEMBERS, "pair"
    if name == "leftOuterJoin":
        right = rdd.filter(lambda kv: kv[1] % 2 == 0)
        return (rdd.leftOuterJoin(right).mapValues(lambda p: p[0] * 100 + (-1 if p[1] is None else p[1])),
                MEMBERS, "pair")
    if name == "cogroup":
        right = rdd.filter(lambda kv: kv[1] > 0)
        return (rdd.cogroup(right).mapValues(lambda p: len(p[0]) * 100 + len(p[1])), MEMBERS,
                "pair")
    if name == "subtractByKey":
        return rdd.subtractByKey(rdd.filter(lambda kv: kv[1] > 0)), MEMBERS, "pair"
    if name == "values":
        return rdd.values(), state, "int"
    if name == "keys":
        return rdd.keys(), state, "int"
    if name == "swap":
        return rdd.map(lambda kv: (kv[1], kv[0])), state, "pair"
    return None


def _error(e):
    name = type(e).__name__
    # Kindling's job error is a Py4JJavaError, under its own name
    return ["error", {"SparkJobError": "Py4JJavaError"}.get(name, name)]


def _observe(rdd, state, kind):
    obs = {"state": state, "kind": kind}

    def put(key, fn):
        try:
            obs[key] = repr(fn())
        except Exception as e:  # compared like any value
            obs[key] = _error(e)

    if state == EXACT:
        put("layout", rdd.glom().collect)
    elif state == MEMBERS:
        put("layout", lambda: [sorted(p) for p in rdd.glom().collect()])
    elif state == SEQUENCE:
        put("layout", rdd.collect)
    else:
        put("layout", lambda: sorted(rdd.collect()))
    put("numPartitions", rdd.getNumPartitions)
    put("count", rdd.count)
    put("isEmpty", rdd.isEmpty)
    if kind == "int":
        put("sum", rdd.sum)
        put("max", rdd.max)
        put("histogram3", lambda: rdd.histogram(3))
        put("histogramList", lambda: rdd.histogram([-1000, -10, 0, 10, 1000]))
        put("countByValue", lambda: sorted(rdd.countByValue().items()))
        put("top2", lambda: rdd.top(2))
        put("takeOrdered2", lambda: rdd.takeOrdered(2))
        if state == EXACT:
            put("stats", lambda: sorted(rdd.stats().asDict().items()))
    else:
        put("sum", lambda: rdd.values().sum())
        put("countByKey", lambda: sorted(rdd.countByKey().items()))
    if state in (EXACT, SEQUENCE):
        put("take3", lambda: rdd.take(3))
    return obs


def run(sc, spec, jvm_layout=False):
    """Builds the pipeline of ``spec`` and returns ``{"applied": [...], "obs": {...}}``."""
    rdd = sc.parallelize(spec["data"], spec["slices"])
    state, kind = EXACT, "int"
    applied = []
    for step in spec["steps"]:
        if kind == "int":
            result = _int_step(sc, rdd, state, step, jvm_layout)
        else:
            result = _pair_step(sc, rdd, state, step)
        if result is None:
            continue
        rdd, state, kind = result
        applied.append(step)
    return {"applied": applied, "obs": _observe(rdd, state, kind)}


def serve(sc, stdin, stdout, jvm_layout=False):
    """The loop of the pyspark side: one JSON spec per line in, one marked JSON line out."""
    for line in stdin:
        line = line.strip()
        if not line:
            continue
        try:
            answer = run(sc, json.loads(line), jvm_layout)
        except Exception as e:  # the pipeline itself failed to build
            answer = {"applied": None, "obs": {"build": _error(e)}}
        stdout.write("@@RESULT@@ " + json.dumps(answer) + "\n")
        stdout.flush()
