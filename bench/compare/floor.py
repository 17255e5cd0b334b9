"""The pure-Python floor of the word count: the same regex and the same top 10 as
examples/wordcount.py, in one process with no engine at all. Prints the top 10 and, on stderr,
``floor_seconds=<wall s> floor_cpu=<cpu s>`` (reading, splitting and counting; interpreter start
excluded).

    python bench/compare/floor.py FILE [--top N]
"""
import collections
import re
import sys
import time

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def main(argv):
    path = argv[0]
    top = int(argv[argv.index("--top") + 1]) if "--top" in argv else 10
    start = time.perf_counter()
    cpu = time.process_time()
    counts = collections.Counter()
    findall = WORD.findall
    update = counts.update
    with open(path, encoding="utf-8") as f:
        for line in f:
            update(findall(line.lower()))
    best = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:top]
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    for word, count in best:
        print("%s\t%d" % (word, count))
    print("floor_seconds=%.3f floor_cpu=%.3f" % (elapsed, cpu), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
