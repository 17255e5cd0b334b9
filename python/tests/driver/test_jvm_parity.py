"""Engine-side behaviours compared with pip pyspark 4.2.1 (issue 12, the JVM half).

Each expectation below is what pyspark 4.2.1 gave for the same program (local[2]).
"""
import os

import pytest
from py4j.protocol import Py4JJavaError


@pytest.fixture
def jsc(sc, backend):
    if backend != "jvm":
        pytest.skip("engine behaviour: the JVM backend only")
    return sc


# -- textFile ---------------------------------------------------------------------------------

def test_textfile_empty_file_has_no_partition(jsc, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    rdd = jsc.textFile(str(empty))
    assert rdd.getNumPartitions() == 0
    assert rdd.glom().collect() == []


def test_textfile_drops_the_empty_files_of_a_directory(jsc, tmp_path):
    (tmp_path / "e1.txt").write_bytes(b"")
    (tmp_path / "f.txt").write_bytes(b"1\n2\n3\n")
    (tmp_path / "e2.txt").write_bytes(b"")
    rdd = jsc.textFile(str(tmp_path))
    assert rdd.getNumPartitions() == 2
    assert rdd.glom().collect() == [["1", "2"], ["3"]]


def test_textfile_drops_the_utf8_bom_of_the_first_line_only(jsc, tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes(b"\xef\xbb\xbfhello\n\xef\xbb\xbfworld\n")
    assert jsc.textFile(str(f)).collect() == ["hello", "\ufeffworld"]


def test_textfile_of_empty_string_fails_at_the_action(jsc):
    rdd = jsc.textFile("")  # no error yet, as PySpark
    with pytest.raises(Py4JJavaError, match="Can not create a Path from an empty string"):
        rdd.count()


def test_textfile_missing_path_fails_at_the_first_action(jsc, tmp_path):
    missing = tmp_path / "nope.txt"
    rdd = jsc.textFile(str(missing))
    with pytest.raises(Py4JJavaError, match="Input path does not exist: file:%s" % missing):
        rdd.collect()


def test_textfile_of_proc_files_is_empty_as_in_spark(jsc):
    if not os.path.exists("/proc/self/status"):
        pytest.skip("no /proc")
    # /proc files report size 0: Hadoop makes one empty split and Spark drops it.
    assert jsc.textFile("/proc/self/status").getNumPartitions() == 0
    assert jsc.textFile("/proc/cpuinfo").collect() == []
