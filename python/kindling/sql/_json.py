"""JSON records as Spark's JSON source reads and writes them.

Reading (one record per line; a line holding an array of objects is one record per object):
types are inferred as Spark's JsonInferSchema does — integers ``bigint`` (``decimal(p,0)`` when
too big), other numbers ``double``, objects ``struct`` with fields sorted by name, arrays of the
merged element type; a field seen only as null or ``[]`` becomes ``string``; a type clash becomes
``string``. Lines that are not JSON objects are corrupt records: in PERMISSIVE mode they add a
``_corrupt_record`` column holding the line.

Writing (Spark's JacksonGenerator): ``{"a":1,"b":"x"}``, fields in schema order, null fields left
out, doubles as Java prints them, NaN/Infinity as strings, binary as base64, dates
``yyyy-MM-dd``, timestamps ``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``.
"""
import base64
import datetime
import decimal
import json
import math

from kindling.sql._errors import PySparkRuntimeError
from kindling.sql.types import (
    ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType,
    IntegralType, LongType, MapType, NullType, StringType, StructField, StructType,
    TimestampNTZType, TimestampType, _create_row,
)

__all__ = ["parse_records", "infer_record", "merge", "canonical", "convert", "row_to_json"]

#: What parse_records returns for a corrupt line (None: closures shipped to the workers are
#: pickled by value, so an identity sentinel would not survive the trip).
_CORRUPT = None


def _loads(text):
    return json.loads(text, parse_float=decimal.Decimal, parse_constant=float)


def parse_records(line):
    """The records of one line: a list of dicts, or ``_CORRUPT`` (None)."""
    try:
        value = _loads(line)
    except ValueError:
        return _CORRUPT
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    return _CORRUPT


def _sorted_struct(fields):
    return StructType(sorted(fields, key=lambda f: f.name))


def infer_value(value, primitives_as_string=False, prefers_decimal=False):
    if value is None:
        return NullType()
    if isinstance(value, bool):
        return StringType() if primitives_as_string else BooleanType()
    if isinstance(value, int):
        if primitives_as_string:
            return StringType()
        if -(1 << 63) <= value < (1 << 63):
            return LongType()
        digits = len(str(abs(value)))
        return DecimalType(digits, 0) if digits <= 38 else DoubleType()
    if isinstance(value, (decimal.Decimal, float)):
        if primitives_as_string:
            return StringType()
        if prefers_decimal and isinstance(value, decimal.Decimal):
            sign, digits, exponent = value.as_tuple()
            scale = max(0, -exponent)
            precision = max(len(digits), scale)
            if precision <= 38:
                return DecimalType(precision, scale)
        return DoubleType()
    if isinstance(value, str):
        return StringType()
    if isinstance(value, list):
        element = NullType()
        for v in value:
            element = merge(element, infer_value(v, primitives_as_string, prefers_decimal))
        return ArrayType(element, True)
    if isinstance(value, dict):
        return infer_record(value, primitives_as_string, prefers_decimal)
    return StringType()


def infer_record(record, primitives_as_string=False, prefers_decimal=False):
    fields = {}
    for k, v in record.items():
        fields[k] = StructField(k, infer_value(v, primitives_as_string, prefers_decimal), True)
    return _sorted_struct(fields.values())


def _decimal_of(t):
    if isinstance(t, DecimalType):
        return t
    if isinstance(t, LongType):
        return DecimalType(20, 0)
    return None


def merge(a, b):
    """Spark's ``JsonInferSchema.compatibleType``."""
    if a == b:
        return a
    if isinstance(a, NullType):
        return b
    if isinstance(b, NullType):
        return a
    numeric = (LongType, DoubleType, DecimalType)
    if isinstance(a, numeric) and isinstance(b, numeric):
        if isinstance(a, DoubleType) or isinstance(b, DoubleType):
            return DoubleType()
        da, db = _decimal_of(a), _decimal_of(b)
        scale = max(da.scale, db.scale)
        integral = max(da.precision - da.scale, db.precision - db.scale)
        if integral + scale > 38:
            return DoubleType()
        return DecimalType(integral + scale, scale)
    if isinstance(a, StructType) and isinstance(b, StructType):
        theirs = {f.name: f for f in b.fields}
        fields = []
        for f in a.fields:
            other = theirs.pop(f.name, None)
            fields.append(f if other is None else StructField(f.name, merge(f.dataType, other.dataType), True))
        fields.extend(theirs.values())
        return _sorted_struct(fields)
    if isinstance(a, ArrayType) and isinstance(b, ArrayType):
        return ArrayType(merge(a.elementType, b.elementType), a.containsNull or b.containsNull)
    return StringType()


def canonical(t):
    """Spark's ``canonicalizeType``: null becomes string, empty structs disappear (None)."""
    if isinstance(t, NullType):
        return StringType()
    if isinstance(t, ArrayType):
        inner = canonical(t.elementType)
        return None if inner is None else ArrayType(inner, t.containsNull)
    if isinstance(t, StructType):
        fields = []
        for f in t.fields:
            c = canonical(f.dataType)
            if c is not None:
                fields.append(StructField(f.name, c, f.nullable))
        return StructType(fields) if fields else None
    return t


class _Mismatch(Exception):
    pass


def _json_text(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def convert(value, dt):
    """A parsed JSON value as a value of ``dt`` (raises _Mismatch when it cannot be)."""
    if value is None:
        return None
    if isinstance(dt, StringType):
        return value if isinstance(value, str) else _json_text(value)
    if isinstance(dt, BooleanType):
        if isinstance(value, bool):
            return value
        raise _Mismatch()
    if isinstance(dt, IntegralType):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _Mismatch()
    if isinstance(dt, (DoubleType, FloatType)):
        if isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity", "+Infinity", "+INF", "-INF", "INF"):
            return float(value.replace("INF", "inf"))
        raise _Mismatch()
    if isinstance(dt, DecimalType):
        if isinstance(value, (int, decimal.Decimal)) and not isinstance(value, bool):
            with decimal.localcontext() as ctx:
                ctx.prec = 80
                return decimal.Decimal(value).quantize(decimal.Decimal(1).scaleb(-dt.scale))
        raise _Mismatch()
    if isinstance(dt, ArrayType):
        if isinstance(value, list):
            return [convert(v, dt.elementType) for v in value]
        raise _Mismatch()
    if isinstance(dt, MapType):
        if isinstance(value, dict):
            return {k: convert(v, dt.valueType) for k, v in value.items()}
        raise _Mismatch()
    if isinstance(dt, StructType):
        if isinstance(value, dict):
            return _create_row(list(dt.names), tuple(convert(value.get(f.name), f.dataType) for f in dt.fields))
        raise _Mismatch()
    if isinstance(dt, DateType):
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value[:10])
            except ValueError:
                pass
        raise _Mismatch()
    if isinstance(dt, (TimestampType, TimestampNTZType)):
        if isinstance(value, str):
            try:
                parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
                return parsed.astimezone().replace(tzinfo=None) if parsed.tzinfo else parsed
            except ValueError:
                pass
        raise _Mismatch()
    if isinstance(dt, BinaryType):
        if isinstance(value, str):
            return base64.b64decode(value)
        raise _Mismatch()
    raise _Mismatch()


def record_reader(schema, mode, corrupt_column):
    """A function from one line to the Rows it holds (PERMISSIVE / DROPMALFORMED / FAILFAST)."""
    names = list(schema.names)
    fields = list(schema.fields)
    corrupt_index = names.index(corrupt_column) if corrupt_column in names else None

    def read(line):
        records = parse_records(line)
        if records is _CORRUPT:
            return _bad(line, None)
        rows = []
        for record in records:
            values, broken = [], False
            for i, f in enumerate(fields):
                if i == corrupt_index:
                    values.append(None)
                    continue
                try:
                    values.append(convert(record.get(f.name), f.dataType))
                except _Mismatch:
                    values.append(None)
                    broken = True
            if broken:
                bad = _bad(line, values)
                rows.extend(bad)
            else:
                rows.append(_create_row(names, tuple(values)))
        return rows

    def _bad(line, values):
        if mode == "FAILFAST":
            raise PySparkRuntimeError(
                "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected "
                "in record parsing: %s. Parse Mode: FAILFAST. To process malformed records as null "
                "result, try setting the option 'mode' as 'PERMISSIVE'. SQLSTATE: 22023" % line)
        if mode == "DROPMALFORMED":
            return []
        values = list(values) if values is not None else [None] * len(names)
        if corrupt_index is not None:
            values[corrupt_index] = line
        return [_create_row(names, tuple(values))]

    return read


# -- writing ---------------------------------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _quote(text):
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04X" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _timestamp_text(value):
    aware = value.astimezone() if value.tzinfo is None else value
    offset = aware.utcoffset()
    text = value.strftime("%Y-%m-%dT%H:%M:%S") + ".%03d" % (value.microsecond // 1000)
    if offset == datetime.timedelta(0):
        return text + "Z"
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return text + "%s%02d:%02d" % (sign, abs(minutes) // 60, abs(minutes) % 60)


def _value_json(value, dt):
    from kindling.sql._show import java_double_string, java_float_string

    if value is None:
        return "null"
    if isinstance(dt, StringType):
        return _quote(value)
    if isinstance(dt, BooleanType):
        return "true" if value else "false"
    if isinstance(dt, (DoubleType, FloatType)):
        if math.isnan(value) or math.isinf(value):
            return _quote(java_double_string(value))
        return java_double_string(value) if isinstance(dt, DoubleType) else java_float_string(value)
    if isinstance(dt, DecimalType):
        return str(value)
    if isinstance(dt, BinaryType):
        return _quote(base64.b64encode(bytes(value)).decode("ascii"))
    if isinstance(dt, (TimestampType, TimestampNTZType)):
        if isinstance(dt, TimestampNTZType):
            return _quote(value.strftime("%Y-%m-%dT%H:%M:%S") + ".%03d" % (value.microsecond // 1000))
        return _quote(_timestamp_text(value))
    if isinstance(dt, DateType):
        return _quote(value.isoformat())
    if isinstance(dt, ArrayType):
        return "[" + ",".join(_value_json(v, dt.elementType) for v in value) + "]"
    if isinstance(dt, MapType):
        return "{" + ",".join("%s:%s" % (_quote(_key_text(k, dt.keyType)), _value_json(v, dt.valueType))
                              for k, v in value.items()) + "}"
    if isinstance(dt, StructType):
        return row_to_json(value, dt)
    return str(value)


def _key_text(key, dt):
    from kindling.sql._show import pretty

    return key if isinstance(key, str) else pretty(key, dt)


def row_to_json(row, schema):
    """One row as Spark writes it (null fields left out)."""
    return "{" + ",".join("%s:%s" % (_quote(f.name), _value_json(v, f.dataType))
                          for v, f in zip(row, schema.fields) if v is not None) + "}"
