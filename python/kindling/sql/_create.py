"""``SparkSession.createDataFrame`` and ``RDD.toDF``: schema from the argument or inferred from
the data as PySpark infers it, every record checked and turned into a Row of that schema."""
from functools import reduce

from kindling.sql._convert import row_converter
from kindling.sql._errors import PySparkTypeError, PySparkValueError, not_supported
from kindling.sql.types import (
    DataType, StructField, StructType, _has_nulltype, _infer_schema, _merge_type,
    _parse_datatype_string,
)


def _cannot_infer_empty():
    return PySparkValueError(
        "[CANNOT_INFER_EMPTY_SCHEMA] Can not infer schema from an empty dataset.",
        errorClass="CANNOT_INFER_EMPTY_SCHEMA")


def _cannot_determine(rdd):
    if rdd:
        return PySparkValueError(
            "[CANNOT_DETERMINE_TYPE] Some of types cannot be determined by the first 100 rows, "
            "please try again with sampling.", errorClass="CANNOT_DETERMINE_TYPE")
    return PySparkValueError(
        "[CANNOT_DETERMINE_TYPE] Some of types cannot be determined after inferring.",
        errorClass="CANNOT_DETERMINE_TYPE")


def _rename(struct, names):
    if names:
        fields = list(struct.fields)
        for i, name in enumerate(names):
            f = fields[i]
            fields[i] = StructField(name, f.dataType, f.nullable, f.metadata)
        struct = StructType(fields)
    return struct


def _infer_from_list(data, names):
    if not data:
        raise _cannot_infer_empty()
    schema = reduce(_merge_type, (_infer_schema(row, names) for row in data))
    if _has_nulltype(schema):
        raise _cannot_determine(False)
    return schema


def _infer_from_rdd(rdd, names, sampling_ratio):
    try:
        first = rdd.first()
    except ValueError:
        raise _cannot_infer_empty() from None
    if hasattr(first, "__len__") and len(first) == 0:
        raise _cannot_infer_empty()
    if sampling_ratio is None:
        schema = _infer_schema(first, names)
        if _has_nulltype(schema):
            for row in rdd.take(100)[1:]:
                schema = _merge_type(schema, _infer_schema(row, names))
                if not _has_nulltype(schema):
                    break
            else:
                raise _cannot_determine(True)
        return schema
    if sampling_ratio < 0.99:
        rdd = rdd.sample(False, float(sampling_ratio))
    return rdd.map(lambda row: _infer_schema(row, names)).reduce(_merge_type)


def create_dataframe(session, data, schema=None, sampling_ratio=None, verify_schema=True):
    from kindling.rdd import RDD
    from kindling.sql.dataframe import DataFrame

    if isinstance(data, DataFrame):
        raise PySparkTypeError("[SHOULD_NOT_DATAFRAME] Argument `data` should not be a DataFrame.",
                               errorClass="SHOULD_NOT_DATAFRAME")
    kind = type(data).__module__.split(".")[0]
    if kind in ("pandas", "numpy", "pyarrow"):
        raise not_supported("SparkSession.createDataFrame(%s data)" % kind,
                            "conversion from pandas, numpy and Arrow needs Arrow and Spark SQL")
    names = None
    if isinstance(schema, str):
        schema = _parse_datatype_string(schema)
    elif isinstance(schema, (list, tuple)):
        names = [n if isinstance(n, str) else str(n) for n in schema]
        schema = None
    if schema is not None and not isinstance(schema, DataType):
        raise PySparkTypeError(
            "[NOT_LIST_OR_NONE_OR_STRUCT] Argument `schema` should be a list, NoneType, str or "
            "StructType, got %s." % type(schema).__name__, errorClass="NOT_LIST_OR_NONE_OR_STRUCT")
    wrap = schema is not None and not isinstance(schema, StructType)
    if wrap:
        schema = StructType([StructField("value", schema, True)])

    if isinstance(data, RDD):
        rdd = data.map(lambda obj: (obj,)) if wrap else data
        if schema is None:
            struct = _infer_from_rdd(rdd, names, sampling_ratio)
            convert = row_converter(struct, verify=False)
            rows = rdd.map(convert)
            struct = _rename(struct, names)
            if names:
                rows = rows.map(_renamer(struct.names))
        else:
            struct = schema
            rows = rdd.map(row_converter(struct, verify=verify_schema))
        return DataFrame(rows, struct, session)

    data = list(data)
    if wrap:
        data = [(obj,) for obj in data]
    if schema is None:
        struct = _infer_from_list(data, names)
        convert = row_converter(struct, verify=False)
        struct = _rename(struct, names)
        rows = [convert(r) for r in data]
        if names:
            rows = list(map(_renamer(struct.names), rows))
    else:
        struct = schema
        convert = row_converter(struct, verify=verify_schema)
        rows = [convert(r) for r in data]
    sc = session.sparkContext
    return DataFrame(sc.parallelize(rows), struct, session)


def _renamer(names):
    from kindling.sql.types import _create_row

    names = list(names)

    def rename(row):
        return _create_row(names, tuple(row))

    return rename
