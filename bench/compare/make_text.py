"""Writes the deterministic word-count input of bench/wordcount/run.sh: lines of 12 words drawn
from the bundled corpus vocabulary (seed 42), repeated to SIZE_MB.

    python bench/compare/make_text.py CORPUS_DIR OUT SIZE_MB
"""
import glob
import os
import random
import re
import sys


def main(corpus, out, size_mb):
    vocab = sorted({w for p in glob.glob(os.path.join(corpus, "*.txt"))
                    for w in re.findall(r"[a-z']+", open(p, encoding="utf-8").read().lower())})
    rnd = random.Random(42)
    target = size_mb * 1024 * 1024
    lines = [" ".join(rnd.choice(vocab) for _ in range(12)) for _ in range(4096)]
    block = ("\n".join(lines) + "\n").encode()
    with open(out + ".tmp", "wb") as f:
        written = 0
        while written < target:
            f.write(block)
            written += len(block)
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
