"""The cases whose output Kindling must reproduce exactly as pyspark 4.2.1 does.

Each case is a function of a namespace ``ns`` (``ns.spark``, ``ns.Row``, ``ns.T`` = the types
module, ``ns.tmp`` = a fresh directory, ``ns.out`` = a list the case appends text to) and runs
the same way under ``pyspark`` (fidelity/make_sql_fixtures.py records the text into
``fixtures/sql_fixtures.json``) and under ``kindling.sql`` (test_sql_fixtures.py compares).
Printed output (``show``, ``printSchema``) is captured into ``ns.out`` as well. An exception ends
the case; its type name and first line are recorded.
"""
import collections
import datetime
import decimal
import os
import pickle
import re

CASES = {}


def case(fn):
    CASES[fn.__name__] = fn
    return fn


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


Point = collections.namedtuple("Point", ["x", "y"])


class Person:
    def __init__(self, name, age):
        self.name = name
        self.age = age


# -- Row ---------------------------------------------------------------------------------------

@case
def row_repr(ns):
    Row = ns.Row
    r = Row(name="Alice", age=11, tags=["a", None], m={"k": 1.5}, nested=Row(x=1))
    ns.out += [repr(r), repr(tuple(r)), repr(r.asDict()), repr(r.asDict(True))]
    ns.out += [repr(r.name), repr(r["age"]), repr(r[0]), repr(r[1:3]), repr("name" in r), repr("zz" in r)]
    factory = Row("a", "b")
    ns.out += [repr(factory), repr(factory(1, 2)), repr(factory(1, 2) == (1, 2)), repr(factory(1))]
    ns.out += [repr(Row(1, "x")), repr(Row(b=1, a=2) == Row(a=1, b=2)), repr(Row(a=1) == Row(b=1))]
    ns.out += [repr(len(r)), repr(hash(Row(a=1)) == hash((1,)))]


@case
def row_pickle(ns):
    Row = ns.Row
    r = Row(name="Bob", inner=Row(z=[1, 2]))
    back = pickle.loads(pickle.dumps(r))
    ns.out += [repr(back), repr(back.inner.z), repr(type(back).__name__), repr(back.__fields__)]
    f = pickle.loads(pickle.dumps(Row("a", "b")))
    ns.out += [repr(f), repr(f(3, 4))]


@case
def row_errors_attr(ns):
    ns.Row(a=1).b


@case
def row_errors_key(ns):
    ns.Row(a=1)["b"]


@case
def row_errors_setattr(ns):
    ns.Row(a=1).a = 2


@case
def row_errors_asdict(ns):
    ns.Row(1, 2).asDict()


@case
def row_errors_both(ns):
    ns.Row(1, a=2)


@case
def row_errors_too_many(ns):
    ns.Row("a")(1, 2)


# -- types -------------------------------------------------------------------------------------

def _all_types(T):
    return [
        T.NullType(), T.StringType(), T.BinaryType(), T.BooleanType(), T.DateType(),
        T.TimestampType(), T.TimestampNTZType(), T.DecimalType(), T.DecimalType(12, 3),
        T.DoubleType(), T.FloatType(), T.ByteType(), T.ShortType(), T.IntegerType(), T.LongType(),
        T.CharType(5), T.VarcharType(7), T.DayTimeIntervalType(), T.DayTimeIntervalType(1, 2),
        T.YearMonthIntervalType(), T.YearMonthIntervalType(1, 1),
        T.ArrayType(T.IntegerType()), T.ArrayType(T.StringType(), False),
        T.MapType(T.StringType(), T.LongType()), T.MapType(T.IntegerType(), T.ArrayType(T.DoubleType()), False),
        T.StructType([T.StructField("a", T.IntegerType()), T.StructField("b c", T.StringType(), False, {"k": "v"})]),
        T.StructType(),
    ]


@case
def types_strings(ns):
    T = ns.T
    for t in _all_types(T):
        ns.out += [repr(t), t.simpleString(), t.json(), repr(t.jsonValue())]
        ns.out.append(repr(T._parse_datatype_json_string(t.json()) == t))


@case
def types_struct_api(ns):
    T = ns.T
    s = T.StructType().add("a", T.LongType()).add("b", "string", False).add(T.StructField("c", T.DoubleType()))
    ns.out += [repr(s), repr(s.names), repr(s.fieldNames()), repr(s["b"]), repr(s[0]), repr(s[1:]),
               repr(len(s)), repr([f.name for f in s]), repr(T.StructType.fromJson(s.jsonValue()) == s)]
    ns.out += [repr(T.LongType() == T.LongType()), repr(T.LongType() == T.IntegerType()),
               repr(T.DecimalType(10, 2) == T.DecimalType(10, 2)), repr(T.ArrayType(T.LongType()) == T.ArrayType(T.LongType(), False))]
    ns.out += [repr(T.LongType.typeName()), repr(T.StructType.typeName()), repr(T.NullType.typeName()),
               repr(T.TimestampNTZType.typeName()), repr(T.DecimalType.typeName())]


@case
def types_struct_missing_key(ns):
    ns.T.StructType([ns.T.StructField("a", ns.T.LongType())])["b"]


DDL = [
    "a int, b string", "a: int, b: string", "a INT NOT NULL, b ARRAY<STRING>", "int", "string",
    "array<int>", "map<string,array<bigint>>", "struct<a:int,b:struct<c:double>>",
    "a decimal(10,2), b decimal, c dec(5)", "`a b` int, `c``d` long", "a tinyint, b smallint, c bigint, d float, e real, f double",
    "a boolean, b binary, c date, d timestamp, e timestamp_ntz",
    "a interval day to second, b interval year", "a int COMMENT 'the a', b long",
    "a: struct<x: int, y: string>, b: map<int, string>", "A Int, B String",
]


@case
def ddl_parsing(ns):
    for text in DDL:
        t = ns.spark.createDataFrame([], text).schema if "," in text or ":" in text or " " in text.strip() else None
        if t is None:
            t = ns.spark.createDataFrame([], "v " + text).schema
        ns.out += [text, repr(t), t.simpleString(), t.json()]


@case
def ddl_error(ns):
    ns.spark.createDataFrame([], "a int,, b string")


@case
def ddl_error_type(ns):
    ns.spark.createDataFrame([], "a integr")


# -- inference and createDataFrame -------------------------------------------------------------

def _describe(ns, df):
    ns.out += [repr(df.schema), df.schema.simpleString(), repr(df.columns), repr(df.dtypes),
               repr(df), repr(sorted(df.collect(), key=repr))]


@case
def infer_tuples(ns):
    _describe(ns, ns.spark.createDataFrame([(1, "a", 1.5, True), (2, None, None, False)]))


@case
def infer_with_names(ns):
    _describe(ns, ns.spark.createDataFrame([(1, "a"), (2, "b")], ["id", "name"]))
    _describe(ns, ns.spark.createDataFrame([(1, "a", 3)], ["id"]))


@case
def infer_dicts(ns):
    _describe(ns, ns.spark.createDataFrame([{"b": 1, "a": "x"}, {"a": "y", "c": 2.0}]))


@case
def infer_rows(ns):
    Row = ns.Row
    _describe(ns, ns.spark.createDataFrame([Row(name="A", age=1, pets=["x"]), Row(name="B", age=None, pets=[])]))


@case
def infer_namedtuples_objects(ns):
    _describe(ns, ns.spark.createDataFrame([Point(1, 2), Point(3, None)]))
    _describe(ns, ns.spark.createDataFrame([Person("ann", 3)]))


@case
def infer_nested(ns):
    Row = ns.Row
    data = [(1, [1, 2], {"k": [1.0]}, Row(a=1, b="x"), (2, "t"), bytearray(b"ab"),
             decimal.Decimal("1.25"), datetime.date(2021, 3, 4), datetime.datetime(2021, 3, 4, 5, 6, 7, 890000))]
    _describe(ns, ns.spark.createDataFrame(data))


@case
def infer_merge_to_string(ns):
    _describe(ns, ns.spark.createDataFrame([(1,), ("x",)]))


@case
def infer_merge_error(ns):
    ns.spark.createDataFrame([(1,), ([1],)])


@case
def infer_empty_error(ns):
    ns.spark.createDataFrame([])


@case
def infer_null_error(ns):
    ns.spark.createDataFrame([(None, 1)])


@case
def infer_rdd(ns):
    sc = ns.spark.sparkContext
    rdd = sc.parallelize([(1, None), (2, "b"), (3, "c")], 2)
    _describe(ns, ns.spark.createDataFrame(rdd))
    _describe(ns, ns.spark.createDataFrame(rdd, ["n", "s"]))
    _describe(ns, rdd.toDF(["p", "q"]))
    _describe(ns, rdd.toDF("p long, q string"))
    _describe(ns, ns.spark.createDataFrame(rdd, samplingRatio=1.0))
    _describe(ns, sc.parallelize([ns.Row(a=1), ns.Row(a=2)]).toDF())


@case
def create_with_schema(ns):
    T = ns.T
    schema = T.StructType([T.StructField("i", T.IntegerType()), T.StructField("f", T.FloatType()),
                           T.StructField("d", T.DecimalType(5, 2)), T.StructField("s", T.StringType()),
                           T.StructField("a", T.ArrayType(T.ShortType())), T.StructField("m", T.MapType(T.StringType(), T.BooleanType())),
                           T.StructField("st", T.StructType([T.StructField("x", T.LongType())]))])
    data = [(1, 1.1, decimal.Decimal("3.14159"), "s", [1, 2], {"t": True}, (5,)),
            {"i": 2, "s": "dict"}, ns.Row(i=3, f=None, d=None, s=None, a=None, m=None, st=ns.Row(x=9))]
    _describe(ns, ns.spark.createDataFrame(data, schema))
    _describe(ns, ns.spark.createDataFrame([1, 2, 3], T.LongType()))
    _describe(ns, ns.spark.createDataFrame(["a"], "string"))
    _describe(ns, ns.spark.createDataFrame([(1, 2)], "a: int, b: long"))


@case
def create_verify_type_error(ns):
    ns.spark.createDataFrame([("x",)], "a long")


@case
def create_verify_null_error(ns):
    ns.spark.createDataFrame([(None,)], "a long not null")


@case
def create_verify_length_error(ns):
    ns.spark.createDataFrame([(1, 2)], "a long")


@case
def create_verify_bounds_error(ns):
    ns.spark.createDataFrame([(300,)], "a tinyint")


@case
def create_verify_nested_error(ns):
    ns.spark.createDataFrame([([1, "x"],)], "a array<long>")


# -- show and printSchema ----------------------------------------------------------------------

def _frame(ns):
    Row = ns.Row
    return ns.spark.createDataFrame([
        (1, "Alice", 1.0, [1, None], {"k": 1}, Row(x=1, y="b"), True, None),
        (22, "a rather long string that is cut", 1e20, [], {}, None, False, 0.0001),
        (-3, "日本語の文字列", -0.0, None, None, Row(x=None, y=None), None, 123456789.0),
    ], "id long, name string, v double, arr array<int>, m map<string,int>, st struct<x:int,y:string>, b boolean, d double")


@case
def show_default(ns):
    _frame(ns).show()


@case
def show_variants(ns):
    df = _frame(ns)
    df.show(truncate=False)
    df.show(2)
    df.show(1)
    df.show(0)
    df.show(truncate=5)
    df.show(truncate=2)
    df.show(-1)


@case
def show_vertical(ns):
    df = _frame(ns)
    df.show(vertical=True)
    df.show(1, vertical=True)
    df.show(2, truncate=4, vertical=True)
    df.limit(0).show(vertical=True)


@case
def show_range(ns):
    ns.spark.range(25).show()
    ns.spark.range(3).show()
    ns.spark.range(0).show()
    ns.spark.range(5, 20, 5).show()


@case
def show_types(ns):
    df = ns.spark.createDataFrame([
        (1.5, 0.1, decimal.Decimal("12.5"), bytearray(b"\x00\x7f\xff"), datetime.date(2020, 1, 2),
         datetime.datetime(2020, 1, 2, 3, 4, 5), datetime.datetime(2020, 1, 2, 3, 4, 5, 120000),
         "tab\there", "line\nbreak", float("nan"), float("-inf"), 2 ** 62, [[1, 2], [3]],
         {"a": [1.5]}, [ns.Row(a=1, b=[None])])],
        "f float, f2 float, dec decimal(10,3), bin binary, dt date, ts timestamp, ts2 timestamp, "
        "s1 string, s2 string, n double, ni double, big long, aa array<array<int>>, "
        "ma map<string,array<double>>, ast array<struct<a:int,b:array<int>>>")
    df.show()
    df.show(truncate=False)
    df.printSchema()


@case
def show_column_names(ns):
    ns.spark.createDataFrame([(1, 2)], ["a\tb", "a very long column name indeed"]).show()
    ns.spark.createDataFrame([("x",)], ["c"]).show()


@case
def print_schema(ns):
    df = _frame(ns)
    df.printSchema()
    df.printSchema(1)
    df.printSchema(2)
    ns.spark.createDataFrame([], "a map<string,struct<b:array<map<int,string>>>> not null").printSchema()
    ns.out.append(df.schema.simpleString())


# -- DataFrame methods -------------------------------------------------------------------------

@case
def dataframe_methods(ns):
    Row = ns.Row
    df = ns.spark.createDataFrame([(3, "c", 1.0), (1, "a", None), (2, "b", 2.0), (1, "a", None)], ["n", "s", "x"])
    ns.out += [repr(df.count()), repr(df.first()), repr(df.head()), repr(df.head(2)), repr(df.take(3)),
               repr(df.limit(2).collect()), repr(df.limit(2).count()), repr(df.isEmpty()),
               repr(list(df.toLocalIterator())), repr(df.rdd.map(lambda r: r.s).collect())]
    ns.out += [repr(df.select("s", "n").collect()), repr(df.select(["x"]).columns), repr(df.select("*").columns),
               repr(df.drop("s").collect()), repr(df.drop("nope", "x").columns),
               repr(df.withColumnRenamed("s", "t").columns), repr(df.withColumnRenamed("zz", "t").columns),
               repr(df.toDF("a", "b", "c").collect()[0])]
    ns.out += [repr(sorted(df.distinct().collect())), repr(df.distinct().count()),
               repr(sorted(df.dropDuplicates(["n"]).select("n").collect())),
               repr(sorted(df.drop_duplicates().collect()))]
    ns.out += [repr(df.orderBy("n").select("n").collect()), repr(df.sort("n", "s", ascending=False).collect()),
               repr(df.orderBy("x").collect()), repr(df.orderBy("x", ascending=False).collect()),
               repr(df.orderBy(["n", "x"], ascending=[True, False]).collect())]
    other = ns.spark.createDataFrame([(9, "z", 9.5)], ["n", "s", "x"])
    ns.out += [repr(df.union(other).count()), repr(sorted(df.union(other).collect(), key=repr)),
               repr(df.unionAll(other).columns)]
    swapped = ns.spark.createDataFrame([("y", 8, 8.5)], ["s", "n", "x"])
    ns.out += [repr(sorted(df.unionByName(swapped).collect(), key=repr))]
    partial = ns.spark.createDataFrame([("w", True)], ["s", "extra"])
    u = df.unionByName(partial, allowMissingColumns=True)
    ns.out += [repr(u.columns), repr(sorted(u.collect(), key=repr))]
    ns.out += [repr(df.select("n").union(ns.spark.createDataFrame([(1.5,)], ["f"])).schema)]


@case
def dataframe_select_missing(ns):
    ns.spark.createDataFrame([(1, 2)], ["a", "b"]).select("c")


@case
def dataframe_union_mismatch(ns):
    ns.spark.createDataFrame([(1, 2)], ["a", "b"]).union(ns.spark.createDataFrame([(1,)], ["a"]))


@case
def dataframe_orderby_missing(ns):
    ns.spark.createDataFrame([(1, 2)], ["a", "b"]).orderBy("c")


# -- session -----------------------------------------------------------------------------------

@case
def session_conf(ns):
    spark = ns.spark
    conf = spark.conf
    ns.out += [conf.get("spark.sql.shuffle.partitions"), conf.get("spark.app.name"),
               conf.get("spark.master"), repr(conf.get("no.such.key", "dflt")), repr(conf.get("no.such.key", None))]
    conf.set("spark.sql.shuffle.partitions", 7)
    conf.set("my.key", True)
    ns.out += [conf.get("spark.sql.shuffle.partitions"), conf.get("my.key"),
               repr(conf.isModifiable("spark.sql.shuffle.partitions")), repr(conf.isModifiable("spark.sql.warehouse.dir")),
               repr(conf.isModifiable("spark.master")), repr(conf.getAll["my.key"])]
    conf.unset("spark.sql.shuffle.partitions")
    conf.unset("my.key")
    ns.out += [conf.get("spark.sql.shuffle.partitions"), repr(conf.get("my.key", "gone"))]
    other = spark.newSession()
    other.conf.set("spark.sql.shuffle.partitions", "3")
    ns.out += [spark.conf.get("spark.sql.shuffle.partitions"), other.conf.get("spark.sql.shuffle.partitions"),
               repr(other.sparkContext is spark.sparkContext)]


@case
def session_conf_missing(ns):
    ns.spark.conf.get("no.such.key")


@case
def session_conf_static(ns):
    ns.spark.conf.set("spark.sql.warehouse.dir", "/x")


@case
def session_identity(ns):
    spark = ns.spark
    b = type(spark).builder
    ns.out += [repr(b.getOrCreate() is spark), repr(type(spark).getActiveSession() is spark),
               repr(type(spark).active() is spark), repr(type(spark).builder is type(spark).builder),
               repr(type(b).__name__), repr(spark.version == spark.sparkContext.version)]
    again = b.config("spark.sql.shuffle.partitions", "11").getOrCreate()
    ns.out += [repr(again is spark), spark.conf.get("spark.sql.shuffle.partitions")]
    spark.conf.unset("spark.sql.shuffle.partitions")


# -- readers and writers -----------------------------------------------------------------------

TEXT = "hello world\nthe quick brown fox\r\n\nlast line without newline"


@case
def read_text(ns):
    p = write(os.path.join(ns.tmp, "in", "a.txt"), TEXT)
    write(os.path.join(ns.tmp, "in", "b.txt"), "second file\n")
    write(os.path.join(ns.tmp, "in", "_ignored.txt"), "hidden\n")
    write(os.path.join(ns.tmp, "in", ".hidden"), "hidden\n")
    df = ns.spark.read.text(p)
    df.printSchema()
    df.show(truncate=False)
    ns.out += [repr(df.collect()), repr(df.rdd.getNumPartitions())]
    both = ns.spark.read.text(os.path.join(ns.tmp, "in"))
    ns.out += [repr(sorted(both.collect())), repr(both.rdd.getNumPartitions())]
    whole = ns.spark.read.text(os.path.join(ns.tmp, "in"), wholetext=True)
    ns.out += [repr(sorted(whole.collect()))]
    sep = ns.spark.read.text(p, lineSep=" ")
    ns.out += [repr(sep.collect())]
    ns.out += [repr(ns.spark.read.format("text").load(p).count()), repr(ns.spark.read.text([p, p]).count())]


@case
def read_text_missing(ns):
    ns.spark.read.text(os.path.join(ns.tmp, "does-not-exist"))


@case
def read_text_partitions(ns):
    # big enough to be cut into several splits: 3 MB of numbered lines, 1 MB max split
    path = os.path.join(ns.tmp, "big.txt")
    write(path, "".join("line %07d\n" % i for i in range(300000)))
    ns.spark.conf.set("spark.sql.files.maxPartitionBytes", "1m")
    try:
        df = ns.spark.read.text(path)
        rows = df.collect()
        ns.out += [repr(df.rdd.getNumPartitions()), repr(len(rows)), repr(rows[0]), repr(rows[-1]),
                   repr(df.rdd.glom().map(len).collect())]
    finally:
        ns.spark.conf.unset("spark.sql.files.maxPartitionBytes")


JSON_LINES = "\n".join([
    '{"name": "a", "n": 1, "x": 1.5, "tags": ["t1"], "inner": {"b": true, "a": null}}',
    '{"n": 2, "name": "b", "big": 123456789012345678901234567890, "extra": null}',
    '',
    '{"name": "c", "n": 3.25, "tags": [], "mixed": 1}',
    '{"mixed": "s", "deep": [{"q": 1}, {"r": "z"}]}',
])


@case
def read_json(ns):
    p = write(os.path.join(ns.tmp, "j.json"), JSON_LINES)
    df = ns.spark.read.json(p)
    df.printSchema()
    df.show(truncate=False)
    ns.out += [repr(df.collect())]
    bad = write(os.path.join(ns.tmp, "bad.json"), '{"a": 1}\nnot json\n[{"a": 2}, {"a": 3}]\n5\n')
    dfb = ns.spark.read.json(bad)
    dfb.printSchema()
    ns.out += [repr(dfb.collect())]
    ns.out += [repr(ns.spark.read.schema("a long, b string").json(bad).collect())]
    ns.out += [repr(ns.spark.read.json(bad, mode="DROPMALFORMED").collect())]
    ns.out += [repr(ns.spark.read.json(p, primitivesAsString=True).schema.simpleString())]


CSV = "id,name,score,flag,when\n1,ann,1.5,true,2020-01-02\n2,bob,,false,\n3,\"c, d\",7,TRUE,2021-12-31\n"


@case
def read_csv(ns):
    p = write(os.path.join(ns.tmp, "c.csv"), CSV)
    plain = ns.spark.read.csv(p)
    plain.printSchema()
    ns.out += [repr(plain.collect())]
    header = ns.spark.read.csv(p, header=True)
    header.printSchema()
    ns.out += [repr(header.collect())]
    inferred = ns.spark.read.csv(p, header=True, inferSchema=True)
    inferred.printSchema()
    inferred.show()
    ns.out += [repr(inferred.collect())]
    ns.out += [repr(ns.spark.read.option("header", "true").schema("a int, b string").csv(p).collect())]
    ns.out += [repr(ns.spark.read.csv(p, sep=";").columns)]
    q = write(os.path.join(ns.tmp, "d.csv"), "a|b\n1|x\n2\n3|y|z\n")
    ns.out += [repr(ns.spark.read.csv(q, sep="|", header=True, inferSchema=True).collect())]


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _layout(path):
    """The file names under ``path``, the job's uuid (part-00000-<uuid>-c000.txt) masked."""
    return sorted(_UUID.sub("<uuid>", name) for name in os.listdir(path))


def _contents(path):
    data = []
    for name in sorted(os.listdir(path)):
        if name.startswith("part-"):
            with open(os.path.join(path, name), "rb") as f:
                data.append(f.read().decode("utf-8"))
        elif name.startswith("_SUCCESS"):
            data.append("_SUCCESS: %d bytes" % os.path.getsize(os.path.join(path, name)))
    return data


@case
def write_text(ns):
    df = ns.spark.createDataFrame([("a",), ("b",), (None,), ("d",)], ["v"]).coalesce(2)
    out = os.path.join(ns.tmp, "out-text")
    df.write.text(out)
    ns.out += [repr(_layout(out)), repr(_contents(out))]
    df.write.mode("append").text(out)
    ns.out += [repr(len(_layout(out)))]
    df.limit(1).write.mode("overwrite").text(out)
    ns.out += [repr(_layout(out)), repr(_contents(out))]
    df.write.mode("ignore").text(out)
    ns.out += [repr(_contents(out))]
    ns.out += [repr(sorted(ns.spark.read.text(out).collect()))]
    empty = os.path.join(ns.tmp, "out-empty")
    df.limit(0).write.text(empty)
    ns.out += [repr(_layout(empty)), repr(_contents(empty))]
    gz = os.path.join(ns.tmp, "out-gz")
    df.coalesce(1).write.text(gz, compression="gzip")
    ns.out += [repr(_layout(gz)), repr(sorted(ns.spark.read.text(gz).collect()))]


@case
def write_text_exists(ns):
    df = ns.spark.createDataFrame([("a",)], ["v"])
    out = os.path.join(ns.tmp, "exists")
    os.makedirs(out)
    df.write.text(out)


@case
def write_text_columns(ns):
    ns.spark.createDataFrame([("a", 1)], ["v", "n"]).write.text(os.path.join(ns.tmp, "x"))


@case
def write_json(ns):
    Row = ns.Row
    df = ns.spark.createDataFrame([
        (1, "a\"b\\c\n\t\u0001é", 1.5, None, [1, None], {"k": None}, Row(x=None, y=2), True, 1e20, decimal.Decimal("0.00000010"), bytearray(b"hi"), datetime.date(2020, 1, 2)),
        (2, None, float("nan"), 3, [], {}, None, None, -0.0, None, None, None),
    ], "i long, s string, d double, n int, a array<int>, m map<string,int>, st struct<x:int,y:int>, b boolean, e double, dec decimal(20,8), bin binary, dt date").coalesce(1)
    out = os.path.join(ns.tmp, "out-json")
    df.write.json(out)
    ns.out += [repr(_layout(out)), repr(_contents(out))]
    ns.out += [repr(df.toJSON().collect())]
    back = ns.spark.read.json(out)
    back.printSchema()
    ns.out += [repr(back.select("i", "s").collect())]
    df.write.mode("overwrite").format("json").save(out)
    ns.out += [repr(_layout(out))]


@case
def write_mode_error(ns):
    ns.spark.createDataFrame([("a",)], ["v"]).write.mode("sideways")


@case
def write_text_two_strings(ns):
    ns.spark.createDataFrame([("a", "b")], ["v", "w"]).write.text(os.path.join(ns.tmp, "x"))


@case
def dataframe_union_by_name_missing(ns):
    a = ns.spark.createDataFrame([(1, 2)], ["a", "b"])
    a.unionByName(ns.spark.createDataFrame([(1, 3)], ["a", "c"]))


@case
def dataframe_todf_count(ns):
    ns.spark.createDataFrame([(1, 2)], ["a", "b"]).toDF("x")


@case
def session_conf_core(ns):
    ns.spark.conf.set("spark.master", "local[3]")


@case
def range_partitions(ns):
    for args in [(10,), (0, 10, 3), (5, 0, -2), (0, 7, 1, 3)]:
        df = ns.spark.range(*args)
        ns.out += [repr(args), repr(df.rdd.getNumPartitions()), repr(df.rdd.glom().collect()), repr(df.schema)]


@case
def read_more_formats(ns):
    import gzip

    gz = os.path.join(ns.tmp, "g", "a.txt.gz")
    write(gz, gzip.compress(b"one\ntwo\r\nthree"))
    ns.out += [repr(ns.spark.read.text(gz).collect())]
    ml = write(os.path.join(ns.tmp, "m.json"), '[\n {"a": 1, "b": [1, 2]},\n {"a": 2}\n]\n')
    df = ns.spark.read.json(ml, multiLine=True)
    ns.out += [df.schema.simpleString(), repr(df.collect())]
    c = write(os.path.join(ns.tmp, "c.csv"), '# comment\nx;y;z\n"q;1";NA;3\n\n4;"say \\"hi\\"";\n')
    df = ns.spark.read.csv(c, sep=";", header=True, comment="#", nullValue="NA", inferSchema=True)
    df.printSchema()
    ns.out += [repr(df.collect())]


@case
def write_json_gzip(ns):
    out = os.path.join(ns.tmp, "jz")
    ns.spark.createDataFrame([(1, "a")], ["n", "s"]).coalesce(1).write.json(out, compression="gzip")
    ns.out += [repr(_layout(out)), repr(ns.spark.read.json(out).collect())]


@case
def read_empty_files(ns):
    d = os.path.join(ns.tmp, "e")
    write(os.path.join(d, "empty.txt"), "")
    df = ns.spark.read.text(d)
    ns.out += [repr(df.collect()), repr(df.rdd.getNumPartitions())]
    write(os.path.join(d, "one.txt"), "x\n")
    df = ns.spark.read.text(d)
    ns.out += [repr(df.collect()), repr(df.rdd.getNumPartitions())]


@case
def write_overwrite_own_input(ns):
    out = os.path.join(ns.tmp, "self")
    ns.spark.createDataFrame([("a",)], ["v"]).write.text(out)
    df = ns.spark.read.text(out).select("value").distinct()
    try:
        df.write.mode("overwrite").text(out)
    finally:
        ns.out += [repr(sorted(os.listdir(out)) != []), repr(ns.spark.read.text(out).collect())]


ARTICLE_INPUT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))), "examples", "data", "corpus", "kiln.txt")


@case
def article_wordcount(ns):
    """The article's program (examples/session_wordcount.py) on this case's session."""
    import operator

    lines = ns.spark.read.text(ARTICLE_INPUT).rdd.map(lambda r: r[0])
    words = lines.flatMap(lambda line: line.split(" "))
    counts = words.map(lambda w: (w, 1)).reduceByKey(operator.add)
    for word, count in counts.collect():
        ns.out.append("%s: %i" % (word, count))


@case
def write_csv(ns):
    df = ns.spark.createDataFrame([
        (1, "plain", 1.5, True, decimal.Decimal("2.50"), datetime.date(2020, 1, 2)),
        (2, "a,b", None, False, None, None),
        (3, 'say "hi"', 1e20, None, decimal.Decimal("0.10"), None),
        (4, "", -0.0, True, None, None),
        (5, "  padded  ", float("nan"), True, None, None),
        (6, "line\nbreak", 2.0, False, None, None),
        (None, "back\\slash", 3.0, None, None, None),
    ], "n int, s string, d double, b boolean, dec decimal(5,2), dt date").coalesce(1)
    out = os.path.join(ns.tmp, "csv-out")
    df.write.csv(out)
    ns.out += [repr(_layout(out)), repr(_contents(out))]
    df.write.mode("overwrite").csv(out, header=True, sep=";", nullValue="NULL")
    ns.out += [repr(_contents(out))]
    ns.out += [repr(ns.spark.read.csv(out, header=True, sep=";", nullValue="NULL", inferSchema=True).collect())]


@case
def write_csv_array(ns):
    ns.spark.createDataFrame([([1],)], "a array<int>").write.csv(os.path.join(ns.tmp, "x"))
