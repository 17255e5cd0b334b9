"""Groups the worker samples of a py-spy raw profile of the word count by stage (the deepest frame
that names one), as in bench/README.md:

    py-spy record --subprocesses --format raw -o OUT -- .venv/bin/python examples/wordcount.py FILE
    python bench/wordcount/spy_stages.py OUT
"""
import collections, sys
cats = [("frame read/decode", ("read_frame", "FrameInput", "load_stream", "_read_frame_body", "_read_fully", "_read_prefix", "read_int", "SocketIO.readinto", "UTF8Deserializer")),
        ("user function (words)", ("words (wordcount.py",)),
        ("(w, 1) lambda", ("main.<locals>.<lambda> (wordcount.py:46",)),
        ("StopIteration guard", ("fail_on_stopiteration",)),
        ("map-side combine (merge loop)", ("ExternalMerger._merge", "mergeValues", "InMemoryMerger")),
        ("memory checks", ("get_used_memory",)),
        ("shuffle keys + pickle", ("add_shuffle_key", "dumps", "pack_long")),
        ("reduce side (unpickle + merge)", ("mergeCombiners", "merge_combiners", "_load_stream_without_unbatching", "loads")),
        ("output write", ("dump_stream", "_write_with_length", "write_int")),
        ("import/start", ("_find_and_load", "importlib")),
]
worker = collections.Counter(); total = 0
for line in open(sys.argv[1]):
    stack, n = line.rstrip().rsplit(" ", 1); n = int(n)
    frames = stack.split(";")
    if not any("kindling.daemon" in f or "pyspark.daemon" in f or "worker.py" in f for f in frames[:3]):
        continue
    total += n
    leaf_cat = "other"
    for f in reversed(frames):
        hit = [c for c, keys in cats if any(k in f for k in keys)]
        if hit:
            leaf_cat = hit[0]; break
    worker[leaf_cat] += n
print("worker samples:", total)
for c, n in worker.most_common():
    print("  %-32s %5d  %4.1f%%" % (c, n, 100.0 * n / total))
