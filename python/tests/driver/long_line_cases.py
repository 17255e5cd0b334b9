"""Text files whose lines are long, cut by split boundaries, end in every way Hadoop knows, and hold
malformed UTF-8: the inputs of ``test_long_lines.py`` (Kindling, with lines over
``kindling.text.streamLineBytes`` streamed from the file and with every line held) and of
``fidelity/make_long_line_fixture.py`` (the same programs on pip pyspark 4.2.1, whose answers are
``fixtures/long-lines-pyspark.json``). No Kindling or pyspark import here: both sides load it.
"""
import gzip
import hashlib
import os
import random

#: the minPartitions each file is read with: 1 split, and splits much shorter than the long lines
MIN_PARTITIONS = (1, 3, 7)

_BOM = b"\xef\xbb\xbf"
#: malformed UTF-8 as the JDK's decoder sees it: a lone continuation byte, a sequence cut short,
#: an overlong form, an encoded surrogate, a code point above U+10FFFF, bytes that never start one
_BAD = [b"\x80", b"\xbf\xbf", b"\xe2\x82", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf5", b"\xff",
        b"\xf0\x9f\x98", b"\xe0\x80\x80", b"\xc2"]
_GOOD = ["a", "b", " ", "\u00e9", "\u20ac", "\U0001f600", "\u4e2d", "z"]


def _random_line(rng, n):
    out = bytearray()
    while len(out) < n:
        if rng.random() < 0.03:
            out += rng.choice(_BAD)
        else:
            out += rng.choice(_GOOD).encode("utf-8")
    return bytes(out)


def files():
    """File name -> content."""
    rng = random.Random(20261206)
    out = {}
    out["mixed.txt"] = (_BOM + b"a" * 100 + b"\r\n" + "\u00e9".encode() * 80 + b"\r" + b"x" * 50 + b"\n\n\r\n"
                        + b"\r\r" + "\u20ac".encode() * 90 + b"\n" + b"z" * 200)
    out["invalid.txt"] = b"".join(b"ok" * 40 + bad + b"ok" * 40 + b"\n" for bad in _BAD) + b"q" * 70 + b"\xf0\x9f\x98"
    out["bom-short.txt"] = _BOM + b"hi\n" + b"y" * 300 + b"\r\n"
    out["bom-alone.txt"] = _BOM + b"\n" + _BOM + b"k" * 90
    ends = [b"\n", b"\r\n", b"\r"]
    lines = []
    for _ in range(60):
        n = rng.choice([0, 1, 5, 63, 64, 65, 120, 300, 700, 1500])
        lines.append(_random_line(rng, n) + rng.choice(ends))
    random_text = b"".join(lines) + _random_line(rng, 333)
    out["random.txt"] = random_text
    out["random.txt.gz"] = gzip.compress(random_text, mtime=0)
    return out


def write(directory):
    """Writes every file into ``directory``; returns name -> path."""
    paths = {}
    for name, data in files().items():
        p = os.path.join(directory, name)
        with open(p, "wb") as f:
            f.write(data)
        paths[name] = p
    return paths


def observe(sc, path, min_partitions):
    """What a program sees of one file: per partition through a Python task, and collect()."""

    # Nested, so that it travels to the workers by value (this module is not importable there).
    def digest(line):
        """A line as [chars, sha256 of its UTF-8 (lone surrogates kept), the line itself if short]."""
        b = line.encode("utf-8", "surrogatepass")
        return [len(line), hashlib.sha256(b).hexdigest()[:24], line if len(line) <= 12 else None]

    rdd = sc.textFile(path, min_partitions)
    return {"partitions": rdd.glom().map(lambda part: [digest(x) for x in part]).collect(),
            "collect": [digest(x) for x in rdd.collect()],
            "lengths": rdd.map(len).sum()}


def observe_all(sc, directory):
    paths = write(directory)
    return {"%s/%d" % (name, m): observe(sc, paths[name], m) for name in sorted(paths) for m in MIN_PARTITIONS}
