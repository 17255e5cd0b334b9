"""textFile on long lines, as pip pyspark 4.2.1 reads them (``fixtures/long-lines-pyspark.json``,
made by ``fidelity/make_long_line_fixture.py`` from the files of ``long_line_cases.py``): lines cut
by split boundaries, CR / LF / CR LF endings, a last line without a newline, byte order marks,
malformed UTF-8 (each malformed sequence one U+FFFD, as Hadoop's Text decode), a gzip file.

The JVM streams a line longer than ``kindling.text.streamLineBytes`` from its file instead of
holding it (issue 17 item 5); with the threshold at 64 bytes most lines here take that path, with
the default (1 MiB) none does, and both must give pyspark's answers, through a Python task and
through collect()."""
import json
import os

import pytest

import long_line_cases

FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "long-lines-pyspark.json")


@pytest.fixture(scope="module")
def expected():
    with open(FIXTURE, encoding="utf-8") as f:
        data = json.load(f)
    assert data["pyspark"] == "4.2.1"
    return data["cases"]


@pytest.mark.parametrize("stream_above", ["64", None], ids=["streamed", "held"])
def test_textfile_long_lines_match_pyspark(backend, own_context, tmp_path, expected, stream_above):
    if backend != "jvm":
        pytest.skip("the JVM's textFile reader (the fake backend reads files in Python)")
    conf = {} if stream_above is None else {"kindling.text.streamLineBytes": stream_above}
    sc = own_context(**conf)
    observed = long_line_cases.observe_all(sc, str(tmp_path))
    assert sorted(observed) == sorted(expected)
    for case in sorted(expected):
        assert observed[case] == expected[case], case


def test_cases_have_lines_over_and_under_the_threshold_and_split_boundaries_inside_long_lines():
    import re

    files = long_line_cases.files()
    lines = [len(line) for data in files.values() for line in re.split(b"\r\n|\r|\n", data)]
    assert max(lines) > 64 * 10 and any(0 < n <= 64 for n in lines)
    data = files["random.txt"]
    spans = [(m.start(), m.end()) for m in re.finditer(b"[^\r\n]+", data) if m.end() - m.start() > 64]
    for m in (3, 7):
        split = len(data) // m  # Hadoop's split size for minPartitions m (under its 32 MiB block)
        inside = [k * split for k in range(1, m) if any(a < k * split < b for a, b in spans)]
        assert inside, "no split boundary of %d partitions falls inside a long line" % m
