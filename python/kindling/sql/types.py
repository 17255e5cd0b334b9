"""Spark SQL data types, ``Row``, DDL parsing and schema inference, as ``pyspark.sql.types``.

This module is imported by Python workers when they unpickle a ``Row`` (``Row.__reduce__`` names
``_create_row`` here), so it imports nothing of the driver (no Py4J, no session).

What a type prints, in PySpark 4.2's words::

    type            simpleString        typeName / json      repr
    LongType        bigint              long                 LongType()
    IntegerType     int                 integer              IntegerType()
    NullType        void                void                 NullType()
    DecimalType     decimal(p,s)        decimal(p,s)         DecimalType(p,s)
    ArrayType       array<e>            {"type":"array",..}  ArrayType(e, containsNull)
    MapType         map<k,v>            {"type":"map",..}    MapType(k, v, valueContainsNull)
    StructType      struct<a:t,..>      {"type":"struct",..} StructType([StructField(...)])
"""
import datetime
import decimal
import json
import re
from functools import reduce

from kindling._driver_util import PySparkTypeError, PySparkValueError
from kindling.sql._errors import PySparkAttributeError, PySparkKeyError, PySparkRuntimeError

__all__ = [
    "DataType", "NullType", "CharType", "StringType", "VarcharType", "BinaryType", "BooleanType",
    "DateType", "TimestampType", "TimestampNTZType", "DecimalType", "DoubleType", "FloatType",
    "ByteType", "IntegerType", "LongType", "DayTimeIntervalType", "YearMonthIntervalType",
    "Row", "ShortType", "ArrayType", "MapType", "StructField", "StructType",
    "AtomicType", "NumericType", "IntegralType", "FractionalType", "DatetimeType",
]


# Spark's JSON for schemas: no spaces, keys sorted.
_COMPACT_JSON = {"separators": (",", ":"), "sort_keys": True}


class DataType:
    """The base of all Spark SQL types."""

    def __repr__(self):
        return type(self).__name__ + "()"

    def __hash__(self):
        return hash(str(self))

    def __eq__(self, other):
        # Types are values: equal when of the same kind with the same parameters.
        return isinstance(other, self.__class__) and vars(self) == vars(other)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return not equal

    @classmethod
    def typeName(cls):
        return cls.__name__[:-len("Type")].lower()  # LongType -> "long"

    def simpleString(self):
        return self.typeName()

    def jsonValue(self):
        return type(self).typeName()

    def json(self):
        return json.dumps(self.jsonValue(), **_COMPACT_JSON)

    def needConversion(self):
        return False

    def toInternal(self, obj):
        return obj

    def fromInternal(self, obj):
        return obj

    @classmethod
    def fromDDL(cls, ddl):
        """The type a DDL string describes (``"a int, b string"`` is a struct)."""
        return _parse_datatype_string(ddl)

    def treeString(self, maxDepth=None):
        return _tree_string(self, maxDepth)

    def _tree_name(self):
        """The name ``printSchema`` shows (Spark's ``typeName`` on the JVM side)."""
        return self.jsonValue() if isinstance(self.jsonValue(), str) else self.typeName()


class _Singleton(type):
    _instances = {}

    def __call__(cls):
        instance = cls._instances.get(cls)
        if instance is None:
            instance = cls._instances[cls] = super().__call__()
        return instance


class NullType(DataType, metaclass=_Singleton):
    @classmethod
    def typeName(cls):
        return "void"


class AtomicType(DataType):
    pass


class NumericType(AtomicType):
    pass


class IntegralType(NumericType, metaclass=_Singleton):
    pass


class FractionalType(NumericType):
    pass


class StringType(AtomicType):
    def __init__(self, collation="UTF8_BINARY"):
        self.collation = collation

    def simpleString(self):
        return "string" if self.collation == "UTF8_BINARY" else "string collate %s" % self.collation

    def jsonValue(self):
        return "string" if self.collation == "UTF8_BINARY" else "string collate %s" % self.collation

    def __repr__(self):
        return "StringType()" if self.collation == "UTF8_BINARY" else "StringType('%s')" % self.collation


class CharType(AtomicType):
    def __init__(self, length):
        self.length = length

    def simpleString(self):
        return "char(%d)" % self.length

    def jsonValue(self):
        return "char(%d)" % self.length

    def __repr__(self):
        return "CharType(%d)" % self.length


class VarcharType(AtomicType):
    def __init__(self, length):
        self.length = length

    def simpleString(self):
        return "varchar(%d)" % self.length

    def jsonValue(self):
        return "varchar(%d)" % self.length

    def __repr__(self):
        return "VarcharType(%d)" % self.length


class BinaryType(AtomicType, metaclass=_Singleton):
    pass


class BooleanType(AtomicType, metaclass=_Singleton):
    pass


class DatetimeType(AtomicType):
    pass


class DateType(DatetimeType, metaclass=_Singleton):
    pass


class TimestampType(DatetimeType, metaclass=_Singleton):
    pass


class TimestampNTZType(DatetimeType, metaclass=_Singleton):
    @classmethod
    def typeName(cls):
        return "timestamp_ntz"


class DecimalType(FractionalType):
    def __init__(self, precision=10, scale=0):
        self.precision, self.scale = precision, scale
        self.hasPrecisionInfo = True  # PySpark's flag; the precision is always known here

    def simpleString(self):
        return "decimal(%d,%d)" % (self.precision, self.scale)

    def jsonValue(self):
        return self.simpleString()

    def __repr__(self):
        return "DecimalType(%d,%d)" % (self.precision, self.scale)


class DoubleType(FractionalType, metaclass=_Singleton):
    pass


class FloatType(FractionalType, metaclass=_Singleton):
    pass


class ByteType(IntegralType):
    def simpleString(self):
        return "tinyint"


class IntegerType(IntegralType):
    def simpleString(self):
        return "int"


class LongType(IntegralType):
    def simpleString(self):
        return "bigint"


class ShortType(IntegralType):
    def simpleString(self):
        return "smallint"


class _IntervalType(AtomicType):
    """An interval over a range of its type's fields, ``startField`` to ``endField`` (codes of
    ``_fields``, coarsest first); with neither given, the whole range."""
    _fields = {}

    def __init__(self, startField=None, endField=None):
        first, last = min(self._fields), max(self._fields)
        startField = first if startField is None and endField is None else startField
        endField = last if endField is None and startField == first else (
            startField if endField is None else endField)
        self.startField, self.endField = startField, endField

    def _str(self):
        if self.startField == self.endField:
            return "interval %s" % self._fields[self.startField]
        return "interval %s to %s" % (self._fields[self.startField], self._fields[self.endField])

    simpleString = jsonValue = _str

    def __repr__(self):
        return "%s(%d, %d)" % (self.__class__.__name__, self.startField, self.endField)


class DayTimeIntervalType(_IntervalType):
    """``interval day to second`` (fields 0 = DAY .. 3 = SECOND)."""
    DAY, HOUR, MINUTE, SECOND = 0, 1, 2, 3
    _fields = {0: "day", 1: "hour", 2: "minute", 3: "second"}


class YearMonthIntervalType(_IntervalType):
    """``interval year to month`` (fields 0 = YEAR, 1 = MONTH)."""
    YEAR, MONTH = 0, 1
    _fields = {0: "year", 1: "month"}


class ArrayType(DataType):
    def __init__(self, elementType, containsNull=True):
        if not isinstance(elementType, DataType):
            raise PySparkTypeError(
                "[NOT_DATATYPE] Argument `elementType` should be a DataType, got %s."
                % type(elementType).__name__, errorClass="NOT_DATATYPE")
        self.elementType = elementType
        self.containsNull = containsNull

    def simpleString(self):
        return "array<%s>" % self.elementType.simpleString()

    def __repr__(self):
        return "ArrayType(%s, %s)" % (self.elementType, self.containsNull)

    def jsonValue(self):
        return {"type": self.typeName(), "elementType": self.elementType.jsonValue(),
                "containsNull": self.containsNull}


class MapType(DataType):
    def __init__(self, keyType, valueType, valueContainsNull=True):
        for name, t in (("keyType", keyType), ("valueType", valueType)):
            if not isinstance(t, DataType):
                raise PySparkTypeError(
                    "[NOT_DATATYPE] Argument `%s` should be a DataType, got %s."
                    % (name, type(t).__name__), errorClass="NOT_DATATYPE")
        self.keyType = keyType
        self.valueType = valueType
        self.valueContainsNull = valueContainsNull

    def simpleString(self):
        return "map<%s,%s>" % (self.keyType.simpleString(), self.valueType.simpleString())

    def __repr__(self):
        return "MapType(%s, %s, %s)" % (self.keyType, self.valueType, self.valueContainsNull)

    def jsonValue(self):
        return {"type": self.typeName(), "keyType": self.keyType.jsonValue(),
                "valueType": self.valueType.jsonValue(), "valueContainsNull": self.valueContainsNull}


class StructField(DataType):
    """A named field of a ``StructType``."""

    def __init__(self, name, dataType, nullable=True, metadata=None):
        if not isinstance(dataType, DataType):
            raise PySparkTypeError(
                "[NOT_DATATYPE] Argument `dataType` should be a DataType, got %s."
                % type(dataType).__name__, errorClass="NOT_DATATYPE")
        if not isinstance(name, str):
            raise PySparkTypeError(
                "[NOT_STR] Argument `name` should be a str, got %s." % type(name).__name__,
                errorClass="NOT_STR")
        self.name = name
        self.dataType = dataType
        self.nullable = nullable
        self.metadata = metadata or {}

    def simpleString(self):
        return "%s:%s" % (self.name, self.dataType.simpleString())

    def __repr__(self):
        return "StructField('%s', %s, %s)" % (self.name, self.dataType, self.nullable)

    def jsonValue(self):
        return {"name": self.name, "type": self.dataType.jsonValue(), "nullable": self.nullable,
                "metadata": self.metadata}

    def needConversion(self):
        return self.dataType.needConversion()

    def typeName(self):
        raise PySparkTypeError(
            "[INVALID_TYPENAME_CALL] StructField does not have typeName. Use typeName on its "
            "type explicitly instead.", errorClass="INVALID_TYPENAME_CALL")


class StructType(DataType):
    """A list of ``StructField``; iterable, indexable by position or name."""

    def __init__(self, fields=None):
        self.fields = list(fields or [])
        for f in self.fields:
            if not isinstance(f, StructField):
                raise PySparkTypeError(
                    "[NOT_LIST_OF_STRUCTFIELD] fields should be a list of StructField, got %s."
                    % type(f).__name__, errorClass="NOT_LIST_OF_STRUCTFIELD")
        self.names = [f.name for f in self.fields]

    def add(self, field, data_type=None, nullable=True, metadata=None):
        if isinstance(field, StructField):
            added = field
        elif isinstance(field, str) and data_type is None:
            raise PySparkValueError(
                "[ARGUMENT_REQUIRED] Argument `data_type` is required when passing name of "
                "struct_field to create.", errorClass="ARGUMENT_REQUIRED")
        else:
            if isinstance(data_type, str):
                data_type = _parse_datatype_string(data_type)
            added = StructField(field, data_type, nullable, metadata)
        self.fields.append(added)
        self.names.append(added.name)
        return self

    def __iter__(self):
        yield from self.fields

    def __len__(self):
        return len(self.fields)

    def __getitem__(self, key):
        if isinstance(key, str):
            for f in self.fields:
                if f.name == key:
                    return f
            raise PySparkKeyError(
                "[KEY_NOT_EXISTS] Key `%s` does not exist." % key, errorClass="KEY_NOT_EXISTS")
        if isinstance(key, int):
            try:
                return self.fields[key]
            except IndexError:
                raise PySparkIndexError("[INDEX_OUT_OF_RANGE] StructType index out of range, "
                                        "got '%d'." % key)
        if isinstance(key, slice):
            return StructType(self.fields[key])
        raise PySparkTypeError(
            "[NOT_INT_OR_SLICE_OR_STR] Argument `key` should be an int, a slice or a str, got %s."
            % type(key).__name__, errorClass="NOT_INT_OR_SLICE_OR_STR")

    def simpleString(self):
        return "struct<%s>" % ",".join(f.simpleString() for f in self.fields)

    def __repr__(self):
        return "StructType([%s])" % ", ".join(str(f) for f in self.fields)

    def jsonValue(self):
        return {"type": self.typeName(), "fields": [f.jsonValue() for f in self.fields]}

    def fieldNames(self):
        return list(self.names)

    @classmethod
    def fromJson(cls, value):
        return StructType([_field_from_json(f) for f in value["fields"]])

    def treeString(self, level=None):
        return _tree_string(self, level)


class PySparkIndexError(IndexError):
    pass


# -- JSON ------------------------------------------------------------------------------------------

_ATOMIC_BY_NAME = {
    "void": NullType, "null": NullType, "string": StringType, "binary": BinaryType,
    "boolean": BooleanType, "date": DateType, "timestamp": TimestampType,
    "timestamp_ntz": TimestampNTZType, "double": DoubleType, "float": FloatType,
    "byte": ByteType, "integer": IntegerType, "long": LongType, "short": ShortType,
}
_FIXED_DECIMAL = re.compile(r"decimal\(\s*(\d+)\s*,\s*(-?\d+)\s*\)")
_LENGTH_TYPE = re.compile(r"(char|varchar)\(\s*(\d+)\s*\)")
_INTERVAL = re.compile(r"interval (year|month|day|hour|minute|second)(?: to (year|month|day|hour|minute|second))?")


def _type_from_json(value):
    """The DataType of a ``jsonValue()`` (a string for atomic types, a dict otherwise)."""
    if isinstance(value, str):
        if value in _ATOMIC_BY_NAME:
            return _ATOMIC_BY_NAME[value]()
        if value == "decimal":
            return DecimalType()
        m = _FIXED_DECIMAL.fullmatch(value)
        if m:
            return DecimalType(int(m.group(1)), int(m.group(2)))
        m = _LENGTH_TYPE.fullmatch(value)
        if m:
            return (CharType if m.group(1) == "char" else VarcharType)(int(m.group(2)))
        m = _INTERVAL.fullmatch(value)
        if m:
            return _interval_type(m.group(1), m.group(2))
        if value.startswith("string collate "):
            return StringType(value[len("string collate "):])
        raise PySparkValueError(
            "[INVALID_JSON_DATA_TYPE] Could not parse datatype: %s." % value,
            errorClass="INVALID_JSON_DATA_TYPE")
    if not isinstance(value, dict) or "type" not in value:
        raise PySparkValueError(
            "[INVALID_JSON_DATA_TYPE] Could not parse datatype: %s." % (value,),
            errorClass="INVALID_JSON_DATA_TYPE")
    kind = value["type"]
    if kind == "struct":
        return StructType.fromJson(value)
    if kind == "array":
        return ArrayType(_type_from_json(value["elementType"]), value["containsNull"])
    if kind == "map":
        return MapType(_type_from_json(value["keyType"]), _type_from_json(value["valueType"]),
                       value["valueContainsNull"])
    raise PySparkValueError(
        "[UNSUPPORTED_DATA_TYPE] Unsupported DataType `%s`." % kind, errorClass="UNSUPPORTED_DATA_TYPE")


def _field_from_json(value):
    return StructField(value["name"], _type_from_json(value["type"]), value.get("nullable", True),
                       value.get("metadata"))


def _parse_datatype_json_string(text):
    return _type_from_json(json.loads(text))


def _parse_datatype_json_value(value):
    return _type_from_json(value)


def _interval_type(start, end):
    order = ["year", "month"] if start in ("year", "month") else ["day", "hour", "minute", "second"]
    end = end or start
    if end not in order or order.index(end) < order.index(start):
        raise PySparkValueError("invalid interval: interval %s to %s" % (start, end))
    cls = YearMonthIntervalType if start in ("year", "month") else DayTimeIntervalType
    return cls(order.index(start), order.index(end))


StructField.fromJson = staticmethod(_field_from_json)
ArrayType.fromJson = staticmethod(lambda v: _type_from_json(dict(v, type="array")))
MapType.fromJson = staticmethod(lambda v: _type_from_json(dict(v, type="map")))


# -- printSchema -----------------------------------------------------------------------------------

def _escape_meta(text):
    """Spark's ``SchemaUtils.escapeMetaCharacters``: control characters as backslash escapes."""
    return (text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
            .replace("\f", "\\f").replace("\b", "\\b").replace("\u000b", "\\v")
            .replace("\u0007", "\\a"))


def _tree_name(dt):
    if isinstance(dt, StructType):
        return "struct"
    if isinstance(dt, ArrayType):
        return "array"
    if isinstance(dt, MapType):
        return "map"
    return dt.jsonValue()


def _tree_string(dt, max_depth=None):
    """Spark's ``StructType.treeString``: ``root`` then one `` |-- name: type (nullable = b)``
    line per field, nested types indented by ``"    |"``; ``max_depth`` limits the nesting."""
    depth_limit = max_depth if max_depth is not None and max_depth > 0 else 2 ** 31
    lines = ["root\n"]
    if isinstance(dt, StructType):
        for f in dt.fields:
            _tree_field(f, " |", 1, depth_limit, lines)
    else:
        lines.append(" |-- value: %s (nullable = true)\n" % _tree_name(dt))
        _tree_nested(dt, " |    |", 2, depth_limit, lines)
    return "".join(lines)


def _tree_field(f, prefix, level, limit, out):
    if level > limit:
        return
    out.append("%s-- %s: %s (nullable = %s)\n" % (
        prefix, _escape_meta(f.name), _tree_name(f.dataType), str(f.nullable).lower()))
    _tree_nested(f.dataType, prefix + "    |", level + 1, limit, out)


def _tree_nested(dt, prefix, level, limit, out):
    if level > limit:
        return
    if isinstance(dt, StructType):
        for f in dt.fields:
            _tree_field(f, prefix, level, limit, out)
    elif isinstance(dt, ArrayType):
        out.append("%s-- element: %s (containsNull = %s)\n" % (
            prefix, _tree_name(dt.elementType), str(dt.containsNull).lower()))
        _tree_nested(dt.elementType, prefix + "    |", level + 1, limit, out)
    elif isinstance(dt, MapType):
        out.append("%s-- key: %s\n" % (prefix, _tree_name(dt.keyType)))
        _tree_nested(dt.keyType, prefix + "    |", level + 1, limit, out)
        out.append("%s-- value: %s (valueContainsNull = %s)\n" % (
            prefix, _tree_name(dt.valueType), str(dt.valueContainsNull).lower()))
        _tree_nested(dt.valueType, prefix + "    |", level + 1, limit, out)


# -- DDL -------------------------------------------------------------------------------------------

class _DDLParser:
    """A recursive-descent parser for the DDL Spark accepts in ``createDataFrame(schema=...)``::

        schema  := field (',' field)*            "a int, b array<string> NOT NULL COMMENT 'x'"
        field   := name [':'] type ['NOT' 'NULL'] ['COMMENT' string]
        type    := atomic | decimal['(' p [',' s] ')'] | (char|varchar) '(' n ')'
                 | 'array' '<' type '>' | 'map' '<' type ',' type '>'
                 | 'struct' '<' [field (',' field)*] '>' | 'interval' unit ['to' unit]
        name    := identifier | `quoted``name`
    """

    _TOKEN = re.compile(r"\s*(?:(`(?:[^`]|``)*`)|('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|"
                        r"([A-Za-z_0-9]+)|(-?\d+)|([<>(),:]))")
    _ATOMIC = {
        "boolean": BooleanType, "tinyint": ByteType, "byte": ByteType, "smallint": ShortType,
        "short": ShortType, "int": IntegerType, "integer": IntegerType, "bigint": LongType,
        "long": LongType, "float": FloatType, "real": FloatType, "double": DoubleType,
        "date": DateType, "timestamp": TimestampType, "timestamp_ltz": TimestampType,
        "timestamp_ntz": TimestampNTZType, "string": StringType, "binary": BinaryType,
        "void": NullType,
    }

    def __init__(self, text):
        self.text = text
        self.tokens = []
        pos = 0
        text = text.rstrip()
        while pos < len(text):
            m = self._TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise ParseException(
                    "[PARSE_SYNTAX_ERROR] Syntax error at or near '%s'. SQLSTATE: 42601 (line 1, pos %d)"
                    % (text[pos:].split()[0][:1] if text[pos:].split() else "", pos),
                    errorClass="PARSE_SYNTAX_ERROR")
            self.tokens.append((m.group(0).strip(), m.start() + len(m.group(0)) - len(m.group(0).lstrip())))
            pos = m.end()
        self.i = 0

    def _fail(self, index=None):
        """Spark's PARSE_SYNTAX_ERROR at the token ``index`` (default: the current one)."""
        index = self.i if index is None else index
        if index < len(self.tokens):
            near, pos = "'%s'" % self.tokens[index][0], self.tokens[index][1]
        else:
            near, pos = "end of input", len(self.text.rstrip())
        raise ParseException(
            "[PARSE_SYNTAX_ERROR] Syntax error at or near %s. SQLSTATE: 42601 (line 1, pos %d)"
            % (near, pos), errorClass="PARSE_SYNTAX_ERROR")

    def peek(self):
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self, expected=None):
        tok = self.peek()
        if tok is None or (expected is not None and tok.lower() != expected):
            self._fail()
        self.i += 1
        return tok

    def at_end(self):
        return self.i == len(self.tokens)

    def name(self):
        tok = self.peek()
        if tok is None or not (tok.startswith("`") or re.fullmatch(r"[A-Za-z_0-9]+", tok)):
            self._fail()
        self.i += 1
        if tok.startswith("`"):
            return tok[1:-1].replace("``", "`")
        return tok

    def field_list(self, closing=None):
        fields = []
        while True:
            fields.append(self.field())
            if self.peek() == ",":
                self.take()
                continue
            if self.peek() == closing:
                return fields
            self._fail()

    def field(self):
        name = self.name()
        if self.peek() == ":":
            self.take()
        dt = self.type()
        nullable, metadata = True, None
        while self.peek() is not None and self.peek().lower() in ("not", "comment"):
            if self.take().lower() == "not":
                self.take("null")
                nullable = False
            else:
                if (self.peek() or "")[:1] not in ("'", '"'):
                    self._fail()
                comment = self.take()
                metadata = {"comment": re.sub(r"\\(.)", r"\1", comment[1:-1])}
        return StructField(name, dt, nullable, metadata)

    def type(self):
        start = self.i
        word = self.take().lower()
        if word in self._ATOMIC:
            return self._ATOMIC[word]()
        if word in ("decimal", "dec", "numeric"):
            if self.peek() != "(":
                return DecimalType(10, 0)
            self.take("(")
            precision = self.int()
            scale = 0
            if self.peek() == ",":
                self.take()
                scale = self.int()
            self.take(")")
            return DecimalType(precision, scale)
        if word in ("char", "character", "varchar"):
            self.take("(")
            n = self.int()
            self.take(")")
            return VarcharType(n) if word == "varchar" else CharType(n)
        if word == "array":
            self.take("<")
            element = self.type()
            self.take(">")
            return ArrayType(element, True)
        if word == "map":
            self.take("<")
            key = self.type()
            self.take(",")
            value = self.type()
            self.take(">")
            return MapType(key, value, True)
        if word == "struct":
            self.take("<")
            if self.peek() == ">":
                self.take()
                return StructType([])
            fields = self.field_list(">")
            self.take(">")
            return StructType(fields)
        if word == "interval":
            unit = self.take().lower()
            end = None
            if self.peek() is not None and self.peek().lower() == "to":
                self.take()
                end = self.take().lower()
            try:
                return _interval_type(unit, end)
            except (PySparkValueError, ValueError):
                self._fail(start)
        if not re.fullmatch(r"[A-Za-z_0-9]+", word):
            self._fail(start)
        raise ParseException(
            "[UNSUPPORTED_DATATYPE] Unsupported data type \"%s\". SQLSTATE: 0A000 (line 1, pos %d)"
            % (word.upper(), self.tokens[start][1]), errorClass="UNSUPPORTED_DATATYPE")

    def int(self):
        tok = self.peek()
        if tok is None or not re.fullmatch(r"-?\d+", tok):
            self._fail()
        self.i += 1
        return int(tok)


class ParseException(PySparkValueError):
    """A DDL string Spark's parser would reject (Spark raises ``ParseException``)."""


def _parse_datatype_string(text):
    """The DataType a DDL string names: a table schema (``"a int, b string"``), a single type
    (``"int"``, ``"array<int>"``) or struct fields without ``struct<>`` (as PySpark tries them)."""
    if not isinstance(text, str):
        raise PySparkTypeError("DDL must be a string, got %s" % type(text).__name__)
    errors = []
    for attempt in ("schema", "type"):
        p = _DDLParser(text)
        try:
            if attempt == "schema":
                if p.at_end():
                    return StructType([])
                fields = p.field_list(None)
                if not p.at_end():
                    p._fail()
                return StructType(fields)
            dt = p.type()
            if not p.at_end():
                p._fail()
            return dt
        except ParseException as e:
            errors.append(e)
    raise errors[0]


# -- Row -------------------------------------------------------------------------------------------

def _create_row(fields, values):
    """A Row with these field names (the unpickling entry point, ``Row.__reduce__``)."""
    row = tuple.__new__(Row, values)
    row.__dict__["__fields__"] = fields  # what Row.__setattr__ does, without the call
    return row


class Row(tuple):
    """A row of a DataFrame: a tuple whose fields also have names.

    ``Row(name="Alice", age=11)`` keeps the fields in the order given (PySpark 3+);
    ``Row("name", "age")`` is a factory: calling it with values makes a Row with those names.
    """

    def __new__(cls, *args, **kwargs):
        if args and kwargs:
            raise PySparkValueError(
                "[CANNOT_SET_TOGETHER] args and kwargs should not be set together.",
                errorClass="CANNOT_SET_TOGETHER", messageParameters={"arg_list": "args and kwargs"})
        if not kwargs:
            return super().__new__(cls, args)
        row = super().__new__(cls, kwargs.values())
        row.__fields__ = [*kwargs]  # the names, in the order given
        return row

    def asDict(self, recursive=False):
        if not hasattr(self, "__fields__"):
            raise PySparkTypeError(
                "[CANNOT_CONVERT_TYPE] Cannot convert Row into dict.",
                errorClass="CANNOT_CONVERT_TYPE",
                messageParameters={"from_type": "Row", "to_type": "dict"})
        if not recursive:
            return dict(zip(self.__fields__, self))

        def conv(obj):
            if isinstance(obj, Row):
                return obj.asDict(True)
            if isinstance(obj, list):
                return [conv(o) for o in obj]
            if isinstance(obj, dict):
                return {k: conv(v) for k, v in obj.items()}
            return obj

        return dict(zip(self.__fields__, (conv(o) for o in self)))

    def __contains__(self, item):
        names = _field_names(self)
        return super().__contains__(item) if names is None else item in names

    def __call__(self, *args):
        if len(args) > len(self):
            raise PySparkValueError(
                "[TOO_MANY_VALUES] Expected %d values for `fields`, got %d." % (len(self), len(args)),
                errorClass="TOO_MANY_VALUES")
        return _create_row(self, args)

    def __getitem__(self, item):
        if isinstance(item, (int, slice)):
            return tuple.__getitem__(self, item)
        try:
            return tuple.__getitem__(self, self.__fields__.index(item))
        except IndexError:
            raise PySparkKeyError(
                "[KEY_NOT_EXISTS] Key `%s` does not exist." % item, errorClass="KEY_NOT_EXISTS")
        except ValueError:
            raise PySparkValueError(item)

    def __getattr__(self, item):
        if item.startswith("__"):
            raise PySparkAttributeError(
                "[ATTRIBUTE_NOT_SUPPORTED] Attribute `%s` is not supported." % item,
                errorClass="ATTRIBUTE_NOT_SUPPORTED")
        try:
            return self[self.__fields__.index(item)]
        except (IndexError, ValueError):
            raise PySparkAttributeError(
                "[ATTRIBUTE_NOT_SUPPORTED] Attribute `%s` is not supported." % item,
                errorClass="ATTRIBUTE_NOT_SUPPORTED")

    def __setattr__(self, key, value):
        if key != "__fields__":
            raise PySparkRuntimeError(
                "[READ_ONLY] Row is read-only.", errorClass="READ_ONLY")
        self.__dict__[key] = value

    def __reduce__(self):
        names = _field_names(self)
        if names is None:
            return tuple.__reduce__(self)
        return _create_row, (names, tuple(self))

    def __repr__(self):
        names = _field_names(self)
        if names is None:
            return "<Row(%s)>" % ", ".join(map(repr, self))
        return "Row(%s)" % ", ".join("%s=%r" % pair for pair in zip(names, self))


def _field_names(row):
    """A Row's field names, or None for a Row of values only."""
    return row.__dict__.get("__fields__")


# -- inference -------------------------------------------------------------------------------------

_TYPE_OF_PYTHON = {
    type(None): NullType, bool: BooleanType, int: LongType, float: DoubleType, str: StringType,
    bytearray: BinaryType, bytes: BinaryType, decimal.Decimal: DecimalType,
    datetime.date: DateType, datetime.datetime: TimestampType,
    datetime.timedelta: DayTimeIntervalType,
}


def _infer_type(obj):
    """The DataType PySpark infers for one value (dicts become maps, lists arrays of the merged
    element type, tuples/Rows/namedtuples/objects structs)."""
    if obj is None:
        return NullType()
    found = _TYPE_OF_PYTHON.get(type(obj))
    if found is DecimalType:
        return DecimalType(38, 18)
    if found is not None:
        return found()
    if isinstance(obj, dict):
        key_type, value_type = NullType(), NullType()
        for key, value in obj.items():
            if key is not None:
                key_type = _merge_type(key_type, _infer_type(key))
            if value is not None:
                value_type = _merge_type(value_type, _infer_type(value))
        return MapType(key_type, value_type, True)
    if isinstance(obj, list):
        if obj:
            return ArrayType(reduce(_merge_type, (_infer_type(v) for v in obj)), True)
        return ArrayType(NullType(), True)
    try:
        return _infer_schema(obj)
    except TypeError:
        raise PySparkTypeError(
            "[UNSUPPORTED_DATA_TYPE] Unsupported DataType `%s`." % type(obj).__name__,
            errorClass="UNSUPPORTED_DATA_TYPE")


def _infer_schema(row, names=None):
    """The StructType of one record: a dict (keys sorted), a Row, a namedtuple, a tuple/list
    (fields ``_1``, ``_2``, ... unless ``names`` are given) or an object's ``__dict__``."""
    fields = []
    for name, value in _named_values(row, names):
        try:
            fields.append(StructField(name, _infer_type(value), True))
        except TypeError:
            raise PySparkTypeError(
                "[CANNOT_INFER_TYPE_FOR_FIELD] Unable to infer the type of the field `%s`." % name,
                errorClass="CANNOT_INFER_TYPE_FOR_FIELD")
    return StructType(fields)


def _named_values(row, names):
    """``(name, value)`` for each field of one record, in the order _infer_schema gives them."""
    if isinstance(row, dict):
        return sorted(row.items())
    if isinstance(row, (tuple, list)):
        for attribute in ("__fields__", "_fields"):  # a Row, a namedtuple
            if hasattr(row, attribute):
                return zip(getattr(row, attribute), tuple(row))
        return zip(_positional_names(names, len(row)), row)
    if hasattr(row, "__dict__"):
        return sorted(vars(row).items())
    raise PySparkTypeError(
        "[CANNOT_INFER_SCHEMA_FOR_TYPE] Can not infer schema for type: `%s`." % type(row).__name__,
        errorClass="CANNOT_INFER_SCHEMA_FOR_TYPE")


def _positional_names(names, width):
    """``names`` completed with ``_n`` for the positions they do not cover."""
    given = [] if names is None else list(names)
    return given + ["_%d" % position for position in range(len(given) + 1, width + 1)]


def _has_nulltype(dt):
    """Whether a NullType is left anywhere in ``dt`` (inference must look further)."""
    return isinstance(dt, NullType) or any(_has_nulltype(child) for child in _child_types(dt))


def _child_types(dt):
    if isinstance(dt, StructType):
        return [field.dataType for field in dt.fields]
    if isinstance(dt, ArrayType):
        return [dt.elementType]
    if isinstance(dt, MapType):
        return [dt.keyType, dt.valueType]
    return []


def _merge_type(a, b, name=None):
    """The type that holds values of both ``a`` and ``b`` (null merges into anything, any atomic
    type into string), or PySpark's CANNOT_MERGE_TYPE."""
    if isinstance(a, NullType):
        return b
    if isinstance(b, NullType):
        return a
    if isinstance(a, TimestampType) and isinstance(b, TimestampNTZType):
        return a
    if isinstance(a, TimestampNTZType) and isinstance(b, TimestampType):
        return b
    if isinstance(a, AtomicType) and isinstance(b, StringType):
        return b
    if isinstance(a, StringType) and isinstance(b, AtomicType):
        return a
    if type(a) is not type(b):
        raise PySparkTypeError(
            "[CANNOT_MERGE_TYPE] Can not merge type `%s` and `%s`." % (type(a).__name__, type(b).__name__),
            errorClass="CANNOT_MERGE_TYPE")
    if isinstance(a, StructType):
        other = {f.name: f.dataType for f in b.fields}
        fields = [StructField(f.name, _merge_type(f.dataType, other.get(f.name, NullType())))
                  for f in a.fields]
        seen = {f.name for f in fields}
        fields.extend(StructField(n, t) for n, t in other.items() if n not in seen)
        return StructType(fields)
    if isinstance(a, ArrayType):
        return ArrayType(_merge_type(a.elementType, b.elementType), True)
    if isinstance(a, MapType):
        return MapType(_merge_type(a.keyType, b.keyType), _merge_type(a.valueType, b.valueType), True)
    return a
