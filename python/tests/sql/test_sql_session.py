"""kindling.sql beyond the recorded text: the session and SparkContext.getOrCreate() share one
context, Rows cross the worker boundary both ways, what needs Spark SQL is refused by name."""
import os
import pickle

import pytest

from kindling.sql._errors import PySparkNotImplementedError
from sql_session_fixture import spark, sql_module_session  # noqa: F401  (the fixtures)
from kindling.protocol import time_factor


def test_session_and_getOrCreate_share_one_context(spark):
    from kindling import SparkContext
    from kindling.sql import SparkSession

    assert SparkContext.getOrCreate() is spark.sparkContext
    assert SparkSession.builder.getOrCreate() is spark
    assert SparkSession.active() is spark
    other = spark.newSession()
    assert other is not spark and other.sparkContext is spark.sparkContext
    created = SparkSession.builder.config("spark.sql.shuffle.partitions", "5").create()
    assert created is not spark and created.sparkContext is spark.sparkContext
    assert created.conf.get("spark.sql.shuffle.partitions") == "5"
    assert spark.conf.get("spark.sql.shuffle.partitions") == "200"


def test_builder_options_reach_the_context_and_the_session(spark):
    from kindling import SparkConf
    from kindling.sql import SparkSession

    session = SparkSession.builder.config(conf=SparkConf().set("spark.sql.x.a", "1")) \
        .config(map={"spark.sql.x.b": 2, "spark.sql.x.c": True}).getOrCreate()
    assert session is spark
    assert (spark.conf.get("spark.sql.x.a"), spark.conf.get("spark.sql.x.b"),
            spark.conf.get("spark.sql.x.c")) == ("1", "2", "true")
    for k in ("spark.sql.x.a", "spark.sql.x.b", "spark.sql.x.c"):
        spark.conf.unset(k)
    assert spark.conf.get("spark.app.name") == "sql-fixtures"
    assert spark.sparkContext.master == "local[2]"


def test_row_created_in_a_task_comes_back_as_a_row(spark):
    from kindling.sql import Row

    def make_row(x):  # defined here so that it travels by value, with the import inside
        from kindling.sql import Row

        return Row(value=x, square=x * x, nested=Row(even=x % 2 == 0))

    rows = spark.sparkContext.parallelize(range(4), 2).map(make_row).collect()
    assert rows[3] == Row(value=3, square=9, nested=Row(even=False))
    assert rows[3].square == 9 and rows[2].nested.even is True
    assert rows[3].asDict(True) == {"value": 3, "square": 9, "nested": {"even": False}}


def test_row_shipped_to_a_task_keeps_its_fields(spark):
    from kindling.sql import Row

    data = [Row(name="a", n=1), Row(name="b", n=2)]
    names = spark.sparkContext.parallelize(data, 2).map(lambda r: (r.name, r["n"], r.__fields__)).collect()
    assert names == [("a", 1, ["name", "n"]), ("b", 2, ["name", "n"])]
    # a Row captured by a closure, and a Row factory
    factory = Row("k", "v")
    pairs = spark.sparkContext.parallelize([1, 2], 2).map(lambda x: factory(x, data[0].name)).collect()
    assert [p.asDict() for p in pairs] == [{"k": 1, "v": "a"}, {"k": 2, "v": "a"}]


def test_row_pickles_by_its_module_not_by_value():
    from kindling.sql import Row

    blob = pickle.dumps(Row(a=1))
    assert b"kindling.sql.types" in blob and b"_create_row" in blob


def test_dataframe_rdd_is_an_rdd_of_rows(spark):
    df = spark.createDataFrame([(1, "x"), (2, "y")], ["n", "s"])
    assert df.rdd.map(lambda r: r.s * r.n).collect() == ["x", "yy"]


def test_rdd_toDF_before_any_session_starts_one_on_the_rdd_context(spark):
    from kindling.sql import SparkSession

    sc = spark.sparkContext
    saved = SparkSession._instantiatedSession, SparkSession._activeSession
    SparkSession._instantiatedSession = SparkSession._activeSession = None
    try:
        df = sc.parallelize([(1, "a")]).toDF(["n", "s"])
        assert df.sparkSession.sparkContext is sc
        assert df.collect()[0].asDict() == {"n": 1, "s": "a"}
        assert SparkSession.getActiveSession() is df.sparkSession
    finally:
        SparkSession._instantiatedSession, SparkSession._activeSession = saved


@pytest.mark.parametrize("call, member", [
    (lambda df: df.filter("n > 1"), "DataFrame.filter"),
    (lambda df: df.where("n > 1"), "DataFrame.where"),
    (lambda df: df.selectExpr("n + 1"), "DataFrame.selectExpr"),
    (lambda df: df.groupBy("n"), "DataFrame.groupBy"),
    (lambda df: df.withColumn("m", None), "DataFrame.withColumn"),
    (lambda df: df.join(df), "DataFrame.join"),
    (lambda df: df.mapInPandas(None, None), "DataFrame.mapInPandas"),
    (lambda df: df["n"], "DataFrame.__getitem__"),
    (lambda df: df.n, "DataFrame.__getattr__"),
    (lambda df: df.select(object()), "DataFrame.select"),
    (lambda df: df.sparkSession.sql("select 1"), "SparkSession.sql"),
    (lambda df: df.sparkSession.catalog, "SparkSession.catalog"),
    (lambda df: df.sparkSession.table("t"), "SparkSession.table"),
    (lambda df: df.sparkSession.udf, "SparkSession.udf"),
    (lambda df: df.sparkSession.read.parquet("x"), "DataFrameReader.parquet"),
    (lambda df: df.write.partitionBy("n"), "DataFrameWriter.partitionBy"),
    (lambda df: df.write.saveAsTable("t"), "DataFrameWriter.saveAsTable"),
    (lambda df: type(df.sparkSession).builder.enableHiveSupport(), "SparkSession.builder.enableHiveSupport"),
])
def test_what_needs_spark_sql_is_refused_by_name(spark, call, member):
    df = spark.createDataFrame([(1,)], ["n"])
    with pytest.raises(NotImplementedError) as info:
        call(df)
    assert isinstance(info.value, PySparkNotImplementedError)
    assert str(info.value).startswith(member)
    assert "docs/sql-parity.md" in str(info.value)


def test_unknown_reader_option_is_refused_by_name(spark, tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"a": 1}\n')
    with pytest.raises(NotImplementedError, match="allowSingleQuotes"):
        spark.read.option("allowSingleQuotes", "false").json(str(path))


def test_json_failfast_names_the_bad_line(spark, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"a": 1}\nnot json\n')
    with pytest.raises(Exception, match="MALFORMED_RECORD_IN_PARSING.*not json"):
        spark.read.schema("a long").json(str(path), mode="FAILFAST").collect()


def test_set_operations_and_offset(spark):
    a = spark.createDataFrame([(1,), (1,), (2,), (3,)], ["n"])
    b = spark.createDataFrame([(1,), (3,), (3,)], ["n"])
    ns = lambda df: sorted(r.n for r in df.collect())  # noqa: E731
    assert ns(a.intersect(b)) == [1, 3]
    assert ns(a.intersectAll(b)) == [1, 3]
    assert ns(a.subtract(b)) == [2]
    assert ns(a.exceptAll(b)) == [1, 2]
    assert [r.n for r in a.coalesce(1).offset(2).collect()] == [2, 3]
    assert a.transform(lambda df, k: df.limit(k), 1).count() == 1


def test_session_context_manager_stops_the_context():
    from kindling import SparkContext
    from kindling.sql import SparkSession

    spark = SparkSession.getActiveSession()
    assert spark is not None  # the module's session; stopped and restarted below
    spark.stop()
    assert SparkSession.getActiveSession() is None
    with pytest.raises(Exception, match="NO_ACTIVE_OR_DEFAULT_SESSION"):
        SparkSession.active()
    with SparkSession.builder.master("local[1]").appName("cm") \
            .config("spark.ui.showConsoleProgress", "false").getOrCreate() as s:
        assert s.range(3).count() == 3
        sc = s.sparkContext
    assert sc._stopped and SparkContext._active_spark_context is None


def test_functions_and_column_are_refused_by_name():
    import kindling.sql
    from kindling.sql import functions as F

    with pytest.raises(NotImplementedError, match=r"^pyspark\.sql\.functions\.col is not supported"):
        F.col("x")
    with pytest.raises(NotImplementedError, match=r"^pyspark\.sql\.functions\.count "):
        from kindling.sql.functions import count  # noqa: F401
    with pytest.raises(NotImplementedError, match=r"^pyspark\.sql\.Column "):
        kindling.sql.Column
    with pytest.raises(AttributeError):
        kindling.sql.NoSuchThing


def test_the_article_program_prints_what_pyspark_printed():
    """examples/session_wordcount.py, run as a program on Kindling, prints the lines pyspark
    4.2.1 printed for the same program (case article_wordcount of the fixtures)."""
    import json
    import subprocess
    import sys

    import sql_case_runner

    with open(sql_case_runner.fixture_path()) as f:
        expected = json.load(f)["cases"]["article_wordcount"]["out"]
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("PYSPARK_GATEWAY_PORT", None)
    done = subprocess.run([sys.executable, os.path.join(root, "examples", "session_wordcount.py")],
                          capture_output=True, text=True, timeout=time_factor.scaled(300), env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == expected
    assert len(expected) > 400


def test_csv_modes(spark, tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("1,a\n2\nx,c\n4,d,extra\n5,e\n")
    read = lambda mode: spark.read.csv(str(path), schema="n int, s string", mode=mode)  # noqa: E731
    assert [tuple(r) for r in read("PERMISSIVE").collect()] == [
        (1, "a"), (2, None), (None, "c"), (4, "d"), (5, "e")]
    assert [tuple(r) for r in read("DROPMALFORMED").collect()] == [(1, "a"), (5, "e")]
    with pytest.raises(Exception, match="MALFORMED_RECORD_IN_PARSING.*Parse Mode: FAILFAST"):
        read("FAILFAST").collect()


def test_builder_needs_neither_master_nor_app_name(spark):
    """As pyspark run with plain python: local[*] and the app name pyspark-shell."""
    from kindling.sql import SparkSession

    spark.stop()
    with SparkSession.builder.config("spark.ui.showConsoleProgress", "false").getOrCreate() as s:
        assert s.sparkContext.master == "local[*]"
        assert s.conf.get("spark.app.name") == "pyspark-shell"
        assert s.range(4).count() == 4


def test_checkpoints_keep_the_rows(spark, tmp_path):
    df = spark.createDataFrame([(1, "a"), (2, "b")], ["n", "s"])
    spark.sparkContext.setCheckpointDir(str(tmp_path / "cp"))
    saved = df.checkpoint()
    assert saved.rdd.isCheckpointed()
    assert saved.collect() == df.collect() and saved.columns == ["n", "s"]
    assert df.localCheckpoint().orderBy("n").collect() == df.collect()
