"""``DataFrame``: an RDD of ``Row`` plus a schema.

There is no SQL engine and no optimizer: every method is an RDD transformation of the rows
(``select`` is a ``map``, ``distinct`` a shuffle, ``orderBy`` a ``sortBy``), evaluated lazily as
RDDs are. Methods that need Spark SQL expressions (``filter`` with a condition, ``col``,
``selectExpr``, ``groupBy``, ``join``, ...) raise ``NotImplementedError`` naming the method; see
docs/sql-parity.md for the status of every member.
"""
import math

from kindling.sql._errors import AnalysisException, PySparkTypeError, PySparkValueError, not_supported
from kindling.sql._show import show_string
from kindling.sql.types import (
    DoubleType, FloatType, StructField, StructType, _create_row, _merge_type,
)

__all__ = ["DataFrame"]

_EXPRESSIONS = "it needs Spark SQL expressions (Column), which Kindling does not have"


def _unresolved(name, columns):
    return AnalysisException(
        "[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name "
        "`%s` cannot be resolved. Did you mean one of the following? [%s]. SQLSTATE: 42703"
        % (name, ", ".join("`%s`" % c for c in columns)),
        errorClass="UNRESOLVED_COLUMN.WITH_SUGGESTION")


def _column_names(cols, method):
    """The names in ``cols`` (strings, or one list of strings); anything else is a Column
    expression, which Kindling does not have."""
    if len(cols) == 1 and isinstance(cols[0], (list, tuple)):
        cols = tuple(cols[0])
    for c in cols:
        if not isinstance(c, str):
            raise not_supported("DataFrame.%s with %s arguments" % (method, type(c).__name__),
                                "only column names are supported; " + _EXPRESSIONS)
    return list(cols)


class _SortKey:
    """One row's sort key for ``orderBy``: per column ascending or descending, nulls first when
    ascending and last when descending, NaN above every number (Spark's ordering)."""

    __slots__ = ("values", "ascending")

    def __init__(self, values, ascending):
        self.values = values
        self.ascending = ascending

    @staticmethod
    def _rank(v):
        if v is None:
            return (0, 0)
        if isinstance(v, float) and math.isnan(v):
            return (2, 0)
        return (1, v)

    def __lt__(self, other):
        for a, b, asc in zip(self.values, other.values, self.ascending):
            ra, rb = self._rank(a), self._rank(b)
            if ra == rb:
                continue
            if asc:
                return ra < rb
            # descending: nulls last, so invert only the non-null order
            if ra[0] == 0 or rb[0] == 0:
                return rb[0] == 0
            return rb < ra
        return False

    def __eq__(self, other):
        return all(self._rank(a) == self._rank(b) for a, b in zip(self.values, other.values))

    def __gt__(self, other):
        return other.__lt__(self)

    def __le__(self, other):
        return not other.__lt__(self)

    def __ge__(self, other):
        return not self.__lt__(other)

    def __hash__(self):
        return hash(tuple(self.values))


class DataFrame:
    """Rows with a schema; the rows live in ``self.rdd`` (an RDD of ``Row``)."""

    def __init__(self, rdd, schema, session):
        self._rdd_value = rdd
        self._schema = schema
        self._session = session

    @property
    def sparkSession(self):
        return self._session

    # -- what it is ------------------------------------------------------------------------------

    @property
    def rdd(self):
        """The rows, as an RDD of ``Row``."""
        if callable(self._rdd_value):
            self._rdd_value = self._rdd_value()
        return self._rdd_value

    @property
    def schema(self):
        return self._schema

    @property
    def columns(self):
        return list(self._schema.names)

    @property
    def dtypes(self):
        return [(f.name, f.dataType.simpleString()) for f in self._schema.fields]

    @property
    def sql_ctx(self):
        raise not_supported("DataFrame.sql_ctx", "Kindling has no SQLContext")

    @property
    def na(self):
        raise not_supported("DataFrame.na", _EXPRESSIONS)

    @property
    def stat(self):
        raise not_supported("DataFrame.stat", _EXPRESSIONS)

    @property
    def write(self):
        from kindling.sql.readwriter import DataFrameWriter

        return DataFrameWriter(self)

    @property
    def writeStream(self):
        raise not_supported("DataFrame.writeStream", "Kindling has no structured streaming")

    @property
    def isStreaming(self):
        return False

    def __repr__(self):
        return "DataFrame[%s]" % ", ".join("%s: %s" % (n, t) for n, t in self.dtypes)

    def printSchema(self, level=None):
        print(self._schema.treeString(level))

    def _show_string(self, n=20, truncate=True, vertical=False):
        if not isinstance(n, int) or isinstance(n, bool):
            raise PySparkTypeError(
                "[NOT_INT] Argument `n` should be an int, got %s." % type(n).__name__,
                errorClass="NOT_INT")
        if not isinstance(vertical, bool):
            raise PySparkTypeError(
                "[NOT_BOOL] Argument `vertical` should be a bool, got %s." % type(vertical).__name__,
                errorClass="NOT_BOOL")
        if isinstance(truncate, bool):
            width = 20 if truncate else 0
        else:
            try:
                width = int(truncate)
            except ValueError:
                raise PySparkTypeError(
                    "[NOT_BOOL] Argument `truncate` should be a bool, got %s." % type(truncate).__name__,
                    errorClass="NOT_BOOL")
        n = max(0, n)
        rows = self.rdd.take(n + 1) if n + 1 > 0 else []
        return show_string(self._schema, rows, n, width, vertical)

    def show(self, n=20, truncate=True, vertical=False):
        """Prints the first ``n`` rows as Spark's table (or one block per row if ``vertical``)."""
        print(self._show_string(n, truncate, vertical))

    # -- actions ---------------------------------------------------------------------------------

    def collect(self):
        return self.rdd.collect()

    def count(self):
        return self.rdd.count()

    def take(self, num):
        return self.rdd.take(num)

    def head(self, n=None):
        if n is None:
            rows = self.take(1)
            return rows[0] if rows else None
        return self.take(n)

    def first(self):
        return self.head()

    def tail(self, num):
        rows = self.collect()
        return rows[len(rows) - num:] if num > 0 else []

    def toLocalIterator(self, prefetchPartitions=False):
        return self.rdd.toLocalIterator(prefetchPartitions)

    def isEmpty(self):
        return self.rdd.isEmpty()

    def foreach(self, f):
        self.rdd.foreach(f)

    def foreachPartition(self, f):
        self.rdd.foreachPartition(f)

    def cache(self):
        self.rdd.cache()
        return self

    def persist(self, storageLevel=None):
        if storageLevel is None:
            self.rdd.cache()
        else:
            self.rdd.persist(storageLevel)
        return self

    def unpersist(self, blocking=False):
        self.rdd.unpersist(blocking)
        return self

    @property
    def storageLevel(self):
        return self.rdd.getStorageLevel()

    def checkpoint(self, eager=True):
        """The rows saved under the context's checkpoint directory (RDD.checkpoint), lineage cut."""
        rdd = self.rdd.map(lambda row: row)
        rdd.checkpoint()
        if eager:
            rdd.count()
        return self._with(rdd)

    def localCheckpoint(self, eager=True, storageLevel=None):
        """The rows persisted by the engine (RDD.localCheckpoint)."""
        rdd = self.rdd.map(lambda row: row)
        rdd.localCheckpoint()
        if eager:
            rdd.count()
        return self._with(rdd)

    def toJSON(self, use_unicode=True):
        from kindling.sql._json import row_to_json

        schema = self._schema
        return self.rdd.map(lambda row: row_to_json(row, schema))

    # -- transformations -------------------------------------------------------------------------

    def _with(self, rdd, schema=None):
        return DataFrame(rdd, self._schema if schema is None else schema, self.sparkSession)

    def _index(self, name):
        try:
            return self._schema.names.index(name)
        except ValueError:
            raise _unresolved(name, self._schema.names) from None

    def limit(self, num):
        """The first ``num`` rows (computed when the result is first used)."""
        if num < 0:
            num = 0
        parent = self

        def rows():
            sc = parent.sparkSession.sparkContext
            return sc.parallelize(parent.take(num), 1)

        return self._with(rows)

    def select(self, *cols):
        """The named columns (``"*"`` is all of them), in the order given."""
        names = _column_names(cols, "select")
        indexes = []
        for name in names:
            if name == "*":
                indexes.extend(range(len(self._schema.fields)))
            else:
                indexes.append(self._index(name))
        return self._project(indexes)

    def _project(self, indexes, names=None):
        fields = [self._schema.fields[i] for i in indexes]
        if names is not None:
            fields = [StructField(n, f.dataType, f.nullable, f.metadata) for n, f in zip(names, fields)]
        schema = StructType(fields)
        out = list(schema.names)

        def project(row):
            return _create_row(out, tuple(row[i] for i in indexes))

        return self._with(self.rdd.map(project), schema)

    def drop(self, *cols):
        """Without the named columns (names not in the DataFrame are ignored, as in Spark)."""
        names = set(_column_names(cols, "drop"))
        keep = [i for i, n in enumerate(self._schema.names) if n not in names]
        return self._project(keep)

    def withColumnRenamed(self, existing, new):
        return self.withColumnsRenamed({existing: new})

    def withColumnsRenamed(self, colsMap):
        if not isinstance(colsMap, dict):
            raise PySparkTypeError(
                "[NOT_DICT] Argument `colsMap` should be a dict, got %s." % type(colsMap).__name__,
                errorClass="NOT_DICT")
        names = [colsMap.get(n, n) for n in self._schema.names]
        return self._project(list(range(len(names))), names)

    def toDF(self, *cols):
        if len(cols) != len(self._schema.fields):
            raise AnalysisException(
                "[ASSIGNMENT_ARITY_MISMATCH] The number of columns or variables assigned or aliased: "
                "%d does not match the number of source expressions: %d. SQLSTATE: 42802"
                % (len(self._schema.fields), len(cols)), errorClass="ASSIGNMENT_ARITY_MISMATCH")
        for c in cols:
            if not isinstance(c, str):
                raise PySparkTypeError(
                    "[NOT_LIST_OF_STR] Argument `cols` should be a list[str], got %s."
                    % type(c).__name__, errorClass="NOT_LIST_OF_STR")
        return self._project(list(range(len(cols))), list(cols))

    def union(self, other):
        """The rows of both, matched by position (Spark's UNION ALL); the result has this
        DataFrame's column names."""
        if len(other._schema.fields) != len(self._schema.fields):
            raise AnalysisException(
                "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same number "
                "of columns, but the first input has %d columns and the second input has %d "
                "columns. SQLSTATE: 42826" % (len(self._schema.fields), len(other._schema.fields)),
                errorClass="NUM_COLUMNS_MISMATCH")
        fields = []
        for i, (a, b) in enumerate(zip(self._schema.fields, other._schema.fields)):
            fields.append(StructField(a.name, _union_type(a.dataType, b.dataType, i),
                                      a.nullable or b.nullable, a.metadata))
        schema = StructType(fields)
        names = list(schema.names)
        widen = [_widener(f.dataType) for f in fields]

        def rename(row):
            return _create_row(names, tuple(w(v) for w, v in zip(widen, row)))

        return self._with(self.rdd.union(other.rdd).map(rename), schema)

    unionAll = union

    def unionByName(self, other, allowMissingColumns=False):
        """The rows of both, matched by column name; with ``allowMissingColumns`` a column only
        one side has is null on the other."""
        mine, theirs = self._schema.names, other._schema.names
        if not allowMissingColumns:
            for name in mine:
                if name not in theirs:
                    raise AnalysisException(
                        "[UNRESOLVED_COLUMN_AMONG_FIELD_NAMES] Cannot resolve column name \"%s\" among "
                        "(%s). SQLSTATE: 42703" % (name, ", ".join(theirs)),
                        errorClass="UNRESOLVED_COLUMN_AMONG_FIELD_NAMES")
            if len(theirs) != len(mine):
                raise AnalysisException(
                    "[NUM_COLUMNS_MISMATCH] UNION can only be performed on inputs with the same "
                    "number of columns, but the first input has %d columns and the second input has "
                    "%d columns. SQLSTATE: 42826" % (len(mine), len(theirs)),
                    errorClass="NUM_COLUMNS_MISMATCH")
        extra = [n for n in theirs if n not in mine]
        left = self
        if extra:
            extra_fields = [StructField(f.name, f.dataType, True) for f in other._schema.fields
                            if f.name in extra]
            names = list(mine) + extra
            pad = (None,) * len(extra)
            left = self._with(self.rdd.map(lambda r: _create_row(names, tuple(r) + pad)),
                              StructType(list(self._schema.fields) + extra_fields))
        target = left._schema.names
        positions = [theirs.index(n) if n in theirs else None for n in target]

        def reorder(row):
            return _create_row(target, tuple(None if p is None else row[p] for p in positions))

        right = DataFrame(other.rdd.map(reorder), StructType([
            other._schema[n] if n in theirs else StructField(n, left._schema[n].dataType, True)
            for n in target]), self.sparkSession)
        return left.union(right)

    def distinct(self):
        return self._with(self.rdd.distinct())

    def dropDuplicates(self, subset=None):
        """One row per distinct value of the ``subset`` columns (all columns by default)."""
        if subset is None:
            return self.distinct()
        if isinstance(subset, str) or not isinstance(subset, (list, tuple)):
            raise PySparkTypeError(
                "[NOT_LIST_OR_TUPLE] Argument `subset` should be a list or tuple, got %s."
                % type(subset).__name__, errorClass="NOT_LIST_OR_TUPLE")
        indexes = [self._index(n) for n in subset]

        def key(row):
            return tuple(row[i] for i in indexes), row

        return self._with(self.rdd.map(key).reduceByKey(lambda a, b: a).values())

    drop_duplicates = dropDuplicates

    def orderBy(self, *cols, ascending=True, **kwargs):
        """Sorted by the named columns; ``ascending`` is a bool or one bool per column."""
        if kwargs:
            raise PySparkTypeError("orderBy() got unexpected keyword arguments: %s" % sorted(kwargs))
        names = _column_names(cols, "orderBy")
        if not names:
            raise PySparkValueError(
                "[CANNOT_BE_EMPTY] At least one column must be specified.", errorClass="CANNOT_BE_EMPTY")
        indexes = [self._index(n) for n in names]
        if isinstance(ascending, (bool, int)):
            directions = [bool(ascending)] * len(names)
        elif isinstance(ascending, list):
            if len(ascending) != len(names):
                raise PySparkValueError(
                    "[LENGTH_SHOULD_BE_THE_SAME] cols and ascending should be of the same length, "
                    "got %d and %d." % (len(names), len(ascending)), errorClass="LENGTH_SHOULD_BE_THE_SAME")
            directions = [bool(a) for a in ascending]
        else:
            raise PySparkTypeError(
                "[NOT_BOOL_OR_LIST] Argument `ascending` should be a bool or a list, got %s."
                % type(ascending).__name__, errorClass="NOT_BOOL_OR_LIST")

        def key(row):
            return _SortKey([row[i] for i in indexes], directions)

        rdd = self.rdd
        return self._with(rdd.sortBy(key, True, max(1, rdd.getNumPartitions())))

    sort = orderBy

    def _set_operation(self, other, method, keep):
        """Rows compared whole, by position (Spark's INTERSECT/EXCEPT): ``keep(n_left, n_right)``
        is how many copies of a row the result has."""
        if len(other._schema.fields) != len(self._schema.fields):
            raise AnalysisException(
                "[NUM_COLUMNS_MISMATCH] %s can only be performed on inputs with the same number of "
                "columns, but the first input has %d columns and the second input has %d columns. "
                "SQLSTATE: 42826" % (method, len(self._schema.fields), len(other._schema.fields)),
                errorClass="NUM_COLUMNS_MISMATCH")
        names = list(self._schema.names)

        def copies(pair):
            key, (mine, theirs) = pair
            return [_create_row(names, key)] * keep(len(list(mine)), len(list(theirs)))

        left = self.rdd.map(lambda r: (tuple(r), None))
        right = other.rdd.map(lambda r: (tuple(r), None))
        return self._with(left.cogroup(right).flatMap(copies))

    def intersect(self, other):
        return self._set_operation(other, "INTERSECT", lambda a, b: 1 if a and b else 0)

    def intersectAll(self, other):
        return self._set_operation(other, "INTERSECT ALL", min)

    def subtract(self, other):
        return self._set_operation(other, "EXCEPT", lambda a, b: 1 if a and not b else 0)

    def exceptAll(self, other):
        return self._set_operation(other, "EXCEPT ALL", lambda a, b: max(0, a - b))

    def offset(self, num):
        """Without the first ``num`` rows (in partition order)."""
        return self._with(self.rdd.zipWithIndex().filter(lambda p: p[1] >= num).keys())

    def transform(self, func, *args, **kwargs):
        result = func(self, *args, **kwargs)
        if not isinstance(result, DataFrame):
            raise AssertionError("Func returned an instance of type [%s], should have been DataFrame."
                                 % type(result))
        return result

    def coalesce(self, numPartitions):
        return self._with(self.rdd.coalesce(numPartitions))

    def repartition(self, numPartitions, *cols):
        if cols or not isinstance(numPartitions, int):
            raise not_supported("DataFrame.repartition by columns", _EXPRESSIONS)
        return self._with(self.rdd.repartition(numPartitions))

    def randomSplit(self, weights, seed=None):
        return [self._with(r) for r in self.rdd.randomSplit(weights, seed)]

    def sample(self, withReplacement=None, fraction=None, seed=None):
        if isinstance(withReplacement, float) and fraction is None:
            withReplacement, fraction = False, withReplacement
        return self._with(self.rdd.sample(bool(withReplacement), fraction, seed))

    # -- Columns and expressions: not in Kindling ------------------------------------------------

    def __getitem__(self, item):
        if isinstance(item, int):
            item = self._schema.names[item]
        if isinstance(item, str) and item not in self._schema.names:
            raise _unresolved(item, self._schema.names)
        raise not_supported("DataFrame.__getitem__ (df[...] as a Column)", _EXPRESSIONS)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._schema.names:
            raise not_supported("DataFrame.__getattr__ (df.%s as a Column)" % name, _EXPRESSIONS)
        raise AttributeError("'DataFrame' object has no attribute '%s'" % name)


def _union_type(a, b, index):
    if a == b:
        return a
    from kindling.sql.types import ByteType, IntegerType, LongType, NullType, ShortType

    order = [ByteType, ShortType, IntegerType, LongType, FloatType, DoubleType]
    ta, tb = type(a), type(b)
    if ta in order and tb in order:
        return max(a, b, key=lambda t: order.index(type(t)))
    if isinstance(a, NullType) or isinstance(b, NullType):
        return b if isinstance(a, NullType) else a
    try:
        return _merge_type(a, b)
    except (TypeError, ValueError):
        raise AnalysisException(
            "[INCOMPATIBLE_COLUMN_TYPE] UNION can only be performed on tables with compatible "
            "column types. The %s column of the second table is \"%s\" type which is not compatible "
            "with \"%s\" at the same column of the first table. SQLSTATE: 42825"
            % (_ordinal(index + 1), b.simpleString().upper(), a.simpleString().upper()),
            errorClass="INCOMPATIBLE_COLUMN_TYPE") from None


def _ordinal(n):
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return "%d%s" % (n, suffix)


def _widener(dt):
    if isinstance(dt, (DoubleType, FloatType)):
        return lambda v: None if v is None else float(v)
    from kindling.sql.types import StringType
    from kindling.sql._convert import _string_of

    if isinstance(dt, StringType):
        return lambda v: v if v is None or isinstance(v, str) else _string_of(v)
    return lambda v: v


def _refused_method(name, why):
    def method(self, *args, **kwargs):
        raise not_supported("DataFrame.%s" % name, why)

    method.__name__ = name
    method.__doc__ = "Not in Kindling: %s." % why
    return method


_CATALOG = "Kindling has no SQL catalog (no tables or views)"
_PLAN = "Kindling has no query plan or optimizer (a DataFrame is an RDD of Rows)"
_ARROW = "it needs the pandas/Arrow conversion of Spark SQL, which Kindling does not have"

#: DataFrame methods Kindling refuses, with the reason each one's error gives.
REFUSED_METHODS = dict(
    [(n, _EXPRESSIONS) for n in (
        "filter", "where", "selectExpr", "withColumn", "withColumns", "groupBy", "groupby", "agg",
        "join", "crossJoin", "rollup", "cube", "groupingSets", "pivot", "describe", "summary",
        "withWatermark", "hint", "observe", "dropna", "fillna", "replace", "approxQuantile",
        "corr", "cov", "crosstab", "freqItems", "sampleBy", "sortWithinPartitions",
        "repartitionByRange", "repartitionById", "colRegex", "alias", "unpivot", "melt",
        "withMetadata", "dropDuplicatesWithinWatermark", "to", "asTable", "lateralJoin", "scalar",
        "exists", "metadataColumn", "nearestByJoin", "transpose", "zipWithIndex")]
    + [(n, _CATALOG) for n in (
        "createTempView", "createOrReplaceTempView", "createGlobalTempView",
        "createOrReplaceGlobalTempView", "registerTempTable", "writeTo", "mergeInto")]
    + [(n, _PLAN) for n in ("explain", "executionInfo", "sameSemantics", "semanticHash", "inputFiles")]
    + [(n, _ARROW) for n in ("mapInPandas", "mapInArrow", "toPandas", "toArrow", "pandas_api",
                             "to_pandas_on_spark")]
)
for _name, _why in REFUSED_METHODS.items():
    if not hasattr(DataFrame, _name):
        setattr(DataFrame, _name, _refused_method(_name, _why))
