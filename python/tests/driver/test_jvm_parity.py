"""Engine-side behaviours compared with pip pyspark 4.2.1 (issue 12, the JVM half).

Each expectation below is what pyspark 4.2.1 gave for the same program (local[2]).
"""
import os

import pytest
from py4j.protocol import Py4JJavaError
from kindling.protocol import time_factor


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


# -- zip --------------------------------------------------------------------------------------

def test_zip_runs_no_job_when_called(sc, backend):
    seen = sc.accumulator(0)

    def touch(x):
        seen.add(1)
        return x

    a = sc.parallelize(range(5), 2).map(touch)
    b = sc.parallelize(range(7), 2).map(touch)
    zipped = a.zip(b)  # PySpark runs nothing here
    assert seen.value == 0
    with pytest.raises(ValueError, match="Can not deserialize PairRDD with different number of items"
                                         " in batches: \\(2, 3\\)"):
        zipped.collect()


def test_zip_with_a_different_number_of_batches_fails_in_the_jvm(sc, backend):
    # batches of 10 and 30: the second side is re-batched by ten, so 1 record meets 3
    zipped = sc.parallelize(list(range(10)), 1).zip(sc.parallelize(list(range(30)), 1))
    with pytest.raises(Py4JJavaError, match="Can only zip RDDs with same number of elements in each partition"):
        zipped.collect()


def test_zip_pairs_batches_and_strings(sc, backend, tmp_path):
    assert sc.parallelize(range(20), 2).zip(sc.parallelize(range(20), 2).map(lambda x: -x)).glom().collect() == [
        [(i, -i) for i in range(10)], [(i, -i) for i in range(10, 20)]]
    f = tmp_path / "f.txt"
    f.write_text("1\n22\n333\n")
    lines = sc.textFile(str(f))
    assert lines.zip(lines.map(len)).collect() == [("1", 1), ("22", 2), ("333", 3)]
    with pytest.raises(ValueError, match="Can only zip with RDD which has the same number of partitions"):
        sc.parallelize(range(5), 2).zip(sc.parallelize(range(5), 3))


# -- saveAsTextFile ---------------------------------------------------------------------------

def test_save_as_text_file_decodes_bytes_as_the_jvm_does(jsc, tmp_path):
    out = tmp_path / "out"
    jsc.parallelize([b"ok", b"\xff\xfeab", "s\u00e9", 3], 1).saveAsTextFile(str(out))
    # pyspark 4.2.1 wrote exactly these bytes: malformed UTF-8 became U+FFFD, one per bad byte
    assert (out / "part-00000").read_bytes() == b"ok\n\xef\xbf\xbd\xef\xbf\xbdab\ns\xc3\xa9\n3\n"


# -- shuffles of nothing ----------------------------------------------------------------------

def test_a_shuffle_of_an_rdd_with_no_partitions(jsc):
    # pyspark 4.2.1: the reduce side has as many partitions as the input, here none
    empty = jsc.emptyRDD()
    assert empty.map(lambda x: (x, x)).reduceByKey(lambda a, b: a).collect() == []
    assert empty.distinct().getNumPartitions() == 0
    assert empty.partitionBy(3).glom().collect() == [[], [], []]
    assert empty.repartition(2).glom().collect() == [[], []]
    assert empty.coalesce(2).glom().collect() == []


# -- toLocalIterator(prefetchPartitions) ------------------------------------------------------

def _deadline_seconds():
    # 10 s for a job start, times the suite's one time factor (KINDLING_TIME_FACTOR)
    return time_factor.scaled(10)


def _marking(marker_dir):
    def mark(i, iterator):
        open(os.path.join(marker_dir, "started-%d" % i), "w").close()
        return iterator
    return mark


def test_to_local_iterator_prefetches_the_next_partition(jsc, tmp_path):
    import time

    rdd = jsc.parallelize(range(6), 3).mapPartitionsWithIndex(_marking(str(tmp_path)))
    it = rdd.toLocalIterator(prefetchPartitions=True)
    assert next(it) == 0  # partition 0 asked for (and read); partition 1's job must start now
    deadline = time.monotonic() + _deadline_seconds()
    while not (tmp_path / "started-1").exists():
        assert time.monotonic() < deadline, "partition 1's job did not start while partition 0 was read"
        time.sleep(0.02)
    assert not (tmp_path / "started-2").exists()  # one ahead, not more
    assert list(it) == [1, 2, 3, 4, 5]


def test_to_local_iterator_without_prefetch_starts_no_job_ahead(jsc, tmp_path):
    rdd = jsc.parallelize(range(6), 3).mapPartitionsWithIndex(_marking(str(tmp_path)))
    it = rdd.toLocalIterator()
    assert next(it) == 0
    # partition 1 is computed only when asked for, so no job for it exists yet
    assert not (tmp_path / "started-1").exists()
    assert list(it) == [1, 2, 3, 4, 5]


# -- job tags (Spark 4) -----------------------------------------------------------------------

def test_job_tags_are_per_thread_and_validated(jsc):
    import threading

    assert jsc.getJobTags() == set()
    try:
        jsc.addJobTag("a")
        jsc.addJobTag("b")
        jsc.addJobTag("a")
        assert jsc.getJobTags() == {"a", "b"}
        assert jsc.getLocalProperty("spark.job.tags") == "a,b"
        seen = {}
        t = threading.Thread(target=lambda: seen.setdefault("tags", jsc.getJobTags()))
        t.start()
        t.join(time_factor.scaled(30))
        assert seen["tags"] == set()  # pyspark 4.2.1: a new thread starts without tags
        jsc.removeJobTag("a")
        jsc.removeJobTag("never-added")
        assert jsc.getJobTags() == {"b"}
        jsc.removeJobTag("b")
        assert jsc.getLocalProperty("spark.job.tags") is None
        for bad, message in [("x,y", "Spark job tag cannot contain ','."),
                             ("", "Spark job tag cannot be an empty string."),
                             (None, "Spark job tag cannot be null.")]:
            with pytest.raises(Py4JJavaError, match=message.replace(".", "\\.")):
                jsc.addJobTag(bad)
        with pytest.raises(Py4JJavaError, match="cannot be an empty string"):
            jsc.removeJobTag("")
        with pytest.raises(Py4JJavaError, match="cannot contain ','"):
            jsc.cancelJobsWithTag("a,b")
        jsc.addJobTag("c")
        jsc.clearJobTags()
        assert jsc.getJobTags() == set()
    finally:
        jsc.clearJobTags()


def test_cancel_jobs_with_tag_cancels_only_that_tag(jsc, tmp_path):
    import threading
    import time

    started, release = str(tmp_path / "started"), str(tmp_path / "release")

    def wait_for_release(it):
        open(started, "w").close()
        end = time.monotonic() + 120
        while not os.path.exists(release) and time.monotonic() < end:
            time.sleep(0.05)
        return it

    result = {}

    def run():
        jsc.addJobTag("slow")
        try:
            jsc.parallelize(range(2), 2).mapPartitions(wait_for_release).collect()
            result["outcome"] = "finished"
        except Py4JJavaError as e:
            result["outcome"] = str(e)
        finally:
            jsc.clearJobTags()

    t = threading.Thread(target=run)
    t.start()
    try:
        deadline = time.monotonic() + _deadline_seconds()
        while not os.path.exists(started):
            assert time.monotonic() < deadline, "the tagged job's task did not start"
            time.sleep(0.02)
        jsc.cancelJobsWithTag("other")  # not this job's tag
        jsc.cancelJobsWithTag("slow")
        t.join(time_factor.scaled(60))
    finally:
        open(release, "w").close()
        t.join(time_factor.scaled(60))
    # pyspark 4.2.1: "Job 1 cancelled part of cancelled job tags slow"
    assert "cancelled" in result["outcome"] and "part of cancelled job tags slow" in result["outcome"]


def test_collect_with_job_group_warns_and_sets_the_group(jsc):
    try:
        with pytest.warns(FutureWarning, match="Deprecated in 3.1"):
            assert jsc.parallelize(range(3), 1).collectWithJobGroup("g1", "desc") == [0, 1, 2]
        assert jsc.getLocalProperty("spark.jobGroup.id") == "g1"
    finally:
        jsc.clearJobGroup()


# -- masters ----------------------------------------------------------------------------------

@pytest.mark.parametrize("master,message", [
    ("local[0]", "Asked to run locally with 0 threads"),
    ("local[-1]", "Could not parse Master URL: 'local\\[-1\\]'"),
    ("foo", "Could not parse Master URL: 'foo'"),
])
def test_bad_masters_are_refused_with_sparks_message(own_context, backend, master, message):
    if backend != "jvm":
        pytest.skip("the JVM parses masters")
    with pytest.raises(Py4JJavaError, match=message):
        own_context(master)


def test_local_cluster_runs_executors_with_their_own_python_workers(own_context, backend, tmp_path):
    if backend != "jvm":
        pytest.skip("the JVM runs local-cluster")
    import time

    sc = own_context("local-cluster[2,1,1024]")
    assert sc.defaultParallelism == 2  # pyspark 4.2.1: max(2 executors x 1 core, 2)
    assert sc.parallelize(range(20), 4).map(lambda x: x + 1).sum() == 210
    meet = str(tmp_path)
    limit = _deadline_seconds()

    def meet_and_report(i, it):
        # both tasks must run at once (2 slots), one on each executor
        open(os.path.join(meet, "task-%d" % i), "w").close()
        end = time.monotonic() + limit
        while len([f for f in os.listdir(meet) if f.startswith("task-")]) < 2 and time.monotonic() < end:
            time.sleep(0.02)
        yield os.getppid()  # the executor's worker daemon

    daemons = sc.parallelize(range(2), 2).mapPartitionsWithIndex(meet_and_report).collect()
    assert len(set(daemons)) == 2, "both executors' tasks were served by one worker pool"


# -- addArchive -------------------------------------------------------------------------------

def _archives(tmp_path):
    import tarfile
    import zipfile

    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("hello\n")
    (src / "sub" / "b.txt").write_text("deep\n")
    with zipfile.ZipFile(tmp_path / "pack.zip", "w") as z:
        z.write(src / "a.txt", "a.txt")
        z.write(src / "sub" / "b.txt", "sub/b.txt")
    with tarfile.open(tmp_path / "pack.tar.gz", "w:gz") as t:
        t.add(src / "a.txt", "a.txt")
        t.add(src / "sub", "sub")
    with tarfile.open(tmp_path / "pack2.tgz", "w:gz") as t:
        t.add(src / "a.txt", "a.txt")
    with tarfile.open(tmp_path / "pack3.tar", "w") as t:
        t.add(src / "sub", "sub")
    return tmp_path


def test_add_archive_unpacks_into_the_spark_files_root(own_context, backend, tmp_path):
    if backend != "jvm":
        pytest.skip("the JVM unpacks archives")
    from kindling import SparkFiles

    sc = own_context()
    d = _archives(tmp_path)
    sc.addArchive(str(d / "pack.zip") + "#myzip")
    sc.addArchive(str(d / "pack.tar.gz"))
    sc.addArchive(str(d / "pack2.tgz"))
    sc.addArchive("file://" + str(d / "pack3.tar") + "#t3")
    # as pyspark 4.2.1 lists them and lays them out under SparkFiles.getRootDirectory()
    assert sorted(sc.listArchives) == ["file:%s/pack.tar.gz" % d, "file:%s/pack.zip#myzip" % d,
                                       "file:%s/pack2.tgz" % d, "file:%s/pack3.tar#t3" % d]
    root = SparkFiles.getRootDirectory()
    tree = sorted(os.path.relpath(os.path.join(p, f), root)
                  for p, _, fs in os.walk(root) for f in fs
                  if os.path.relpath(p, root).split(os.sep)[0] in ("myzip", "pack.tar.gz", "pack2.tgz", "t3"))
    assert tree == ["myzip/a.txt", "myzip/sub/b.txt", "pack.tar.gz/a.txt", "pack.tar.gz/sub/b.txt",
                    "pack2.tgz/a.txt", "t3/sub/b.txt"]

    def read(_):
        from kindling import SparkFiles as SF
        return [open(os.path.join(SF.get("myzip"), "sub", "b.txt")).read(),
                open(os.path.join(SF.get("t3"), "sub", "b.txt")).read()]

    assert sc.parallelize([1], 1).map(read).collect() == [["deep\n", "deep\n"]]
    with pytest.raises(Py4JJavaError, match="NoSuchFileException|%s" % (d / "nope.zip")):
        sc.addArchive(str(d / "nope.zip"))


def test_add_archive_refuses_entries_outside_its_directory(own_context, backend, tmp_path):
    if backend != "jvm":
        pytest.skip("the JVM unpacks archives")
    import zipfile

    sc = own_context()
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as z:
        z.writestr("../escaped.txt", "x")
    with pytest.raises(Py4JJavaError, match="outside"):
        sc.addArchive(str(tmp_path / "evil.zip"))


# -- broadcast encryption (spark.io.encryption.enabled) ----------------------------------------

@pytest.mark.spec("WRK-4.5.4")
@pytest.mark.spec("WRK-9.5")
def test_broadcasts_with_io_encryption(own_context, backend):
    if backend != "jvm":
        pytest.skip("the JVM serves encrypted broadcasts")
    import random

    sc = own_context(**{"spark.io.encryption.enabled": "true"})
    rnd = random.Random(7)
    values = [list(range(10)), {"k": "v" * 100}, bytes(rnd.getrandbits(8) for _ in range(300000)), None]
    bs = [sc.broadcast(v) for v in values]
    assert [b.value for b in bs] == values  # on the driver
    got = sc.parallelize(range(len(bs)), 2).map(lambda i: bs[i].value).collect()
    assert got == values  # in tasks: through the decryption server
    # a later task on the same (reused) worker gets only the new broadcast through a new server
    extra = sc.broadcast("later")
    assert sc.parallelize(range(4), 2).map(lambda i: (bs[0].value[i], extra.value)).collect() == [
        (i, "later") for i in range(4)]
    # no value rests in plain text: the driver's files are encrypted copies
    tmp = str(sc._kctx.tempDir())
    for root, _, files in os.walk(tmp):
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                data = fh.read()
            assert b"v" * 100 not in data, "broadcast %s rests unencrypted" % f
    bs[1].unpersist()
    assert sc.parallelize([1], 1).map(lambda _: bs[1].value).collect() == [values[1]]
    bs[1].destroy()


def test_bad_io_encryption_settings_are_named(own_context, backend):
    if backend != "jvm":
        pytest.skip("the JVM checks the configuration")
    with pytest.raises(Py4JJavaError, match="spark.io.encryption.keySizeBits"):
        own_context(**{"spark.io.encryption.enabled": "true", "spark.io.encryption.keySizeBits": "100"})
