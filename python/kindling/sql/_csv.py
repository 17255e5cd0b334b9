"""CSV records as Spark's CSV source reads them (one record per line).

Columns are ``_c0, _c1, ...`` or, with ``header``, the first line's names (blank names become
``_c<i>``, repeated names get their index appended). Every column is ``string`` unless
``inferSchema``: then each column takes the narrowest type all its values parse as, in Spark's
order int → bigint → decimal(p,0) → double → date → timestamp → boolean → string. Values equal to
``nullValue`` (default empty) are null; a short line is padded with nulls, a long one cut.
"""
import csv
import datetime
import decimal

from kindling.sql.types import (
    BooleanType, DateType, DecimalType, DoubleType, IntegerType, LongType, NullType, StringType,
    StructField, StructType, TimestampType, _create_row,
)

_ORDER = [NullType, IntegerType, LongType, DecimalType, DoubleType, DateType, TimestampType,
          BooleanType, StringType]
_SPECIAL_DOUBLES = {"NaN", "Infinity", "-Infinity", "+Infinity", "Inf", "-Inf", "+Inf"}


class CsvOptions:
    def __init__(self, options):
        self.sep = options.get("sep", options.get("delimiter", ","))
        if self.sep == "\\t":
            self.sep = "\t"
        self.quote = options.get("quote", '"') or None
        self.escape = options.get("escape", "\\") or None
        self.header = str(options.get("header", "false")).lower() == "true"
        self.infer = str(options.get("inferSchema", "false")).lower() == "true"
        self.null_value = options.get("nullValue", "")
        self.comment = options.get("comment") or None
        self.mode = str(options.get("mode", "PERMISSIVE")).upper()

    def split(self, line):
        if self.comment and line.startswith(self.comment):
            return None
        if not line.strip() and line.strip(self.sep) == line.strip():
            return None if line == "" else None
        reader = csv.reader([line], delimiter=self.sep, quotechar=self.quote or '"',
                            escapechar=self.escape, doublequote=True,
                            quoting=csv.QUOTE_MINIMAL if self.quote else csv.QUOTE_NONE)
        try:
            return next(reader)
        except (csv.Error, StopIteration):
            return [line]


def header_names(tokens):
    names = [t if t else "_c%d" % i for i, t in enumerate(tokens)]
    lowered = [n.lower() for n in names]
    return [n + str(i) if lowered.count(n.lower()) > 1 else n for i, n in enumerate(names)]


def _parse_timestamp(text):
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if len(text) <= 10:  # a bare date is not a timestamp here
        return None
    return value


def _parse_date(text):
    """A ``yyyy-MM-dd`` date (Spark's default dateFormat, parsed strictly)."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def infer_field(text, so_far):
    """The type that holds ``so_far``'s values and ``text``."""
    kind = type(so_far)
    start = _ORDER.index(kind) if kind in _ORDER else len(_ORDER) - 1
    start = max(start, 1)
    for candidate in _ORDER[start:]:
        if candidate is IntegerType:
            try:
                if -(1 << 31) <= int(text) < (1 << 31) and text.strip() == text:
                    return IntegerType()
            except ValueError:
                pass
        elif candidate is LongType:
            try:
                if -(1 << 63) <= int(text) < (1 << 63) and text.strip() == text:
                    return LongType()
            except ValueError:
                pass
        elif candidate is DecimalType:
            try:
                d = decimal.Decimal(text)
                sign, digits, exponent = d.as_tuple()
                if isinstance(exponent, int) and exponent >= 0 and "e" not in text.lower() and "." not in text:
                    precision = len(digits) + exponent
                    if precision <= 38:
                        found = DecimalType(precision, 0)
                        if isinstance(so_far, DecimalType):
                            return DecimalType(max(found.precision, so_far.precision), 0)
                        return found
            except (decimal.InvalidOperation, ValueError):
                pass
        elif candidate is DoubleType:
            if text in _SPECIAL_DOUBLES:
                return DoubleType()
            try:
                float(text)
                if text.strip() == text and not text.lower().endswith(("inf", "infinity", "nan")):
                    return DoubleType()
            except ValueError:
                pass
        elif candidate is DateType:
            if _parse_date(text) is not None:
                return DateType()
        elif candidate is TimestampType:
            if _parse_timestamp(text) is not None:
                return TimestampType()
        elif candidate is BooleanType:
            if text.lower() in ("true", "false"):
                return BooleanType()
        else:
            return StringType()
    return StringType()


def merge(a, b):
    if a == b:
        return a
    if isinstance(a, NullType):
        return b
    if isinstance(b, NullType):
        return a
    if {type(a), type(b)} == {DateType, TimestampType}:
        return TimestampType()
    numeric = (IntegerType, LongType, DecimalType, DoubleType)
    if isinstance(a, numeric) and isinstance(b, numeric):
        rank = [IntegerType, LongType, DecimalType, DoubleType]
        wider = a if rank.index(type(a)) >= rank.index(type(b)) else b
        if isinstance(a, DecimalType) and isinstance(b, DecimalType):
            return DecimalType(max(a.precision, b.precision), 0)
        if isinstance(wider, DecimalType):
            other = b if wider is a else a
            width = {IntegerType: 10, LongType: 20}[type(other)]
            return DecimalType(max(wider.precision, width), 0)
        return wider
    return StringType()


def converter(dt, null_value):
    def convert(text):
        if text is None or text == null_value or text == "":
            return None  # an empty field is null whatever nullValue is (as Spark's parser)
        try:
            if isinstance(dt, (IntegerType, LongType)):
                return int(text)
            if isinstance(dt, DecimalType):
                return decimal.Decimal(text).quantize(decimal.Decimal(1).scaleb(-dt.scale))
            if isinstance(dt, DoubleType):
                return float(text.replace("Inf", "inf")) if "Inf" in text else float(text)
            if isinstance(dt, BooleanType):
                if text.lower() in ("true", "false"):
                    return text.lower() == "true"
                return None
            if isinstance(dt, TimestampType):
                value = _parse_timestamp(text)
                if value is not None and value.tzinfo is not None:
                    value = value.astimezone().replace(tzinfo=None)
                return value
            if isinstance(dt, DateType):
                return _parse_date(text)
        except (ValueError, decimal.InvalidOperation):
            return None
        return text

    return convert


def row_reader(schema, options):
    names = list(schema.names)
    converters = [converter(f.dataType, options.null_value) for f in schema.fields]
    width = len(names)

    def read(tokens):
        tokens = list(tokens[:width]) + [None] * (width - len(tokens))
        return _create_row(names, tuple(c(t) for c, t in zip(converters, tokens)))

    return read


def string_schema(names):
    return StructType([StructField(n, StringType(), True) for n in names])

