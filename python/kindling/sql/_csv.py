"""CSV records as Spark's CSV source reads them (one record per line).

Columns are ``_c0, _c1, ...`` or, with ``header``, the first line's names (blank names become
``_c<i>``, repeated names get their index appended). Every column is ``string`` unless
``inferSchema``: then each column takes the narrowest type all its values parse as, in Spark's
order int → bigint → decimal(p,0) → double → date → timestamp → boolean → string. Values equal to
``nullValue`` (default empty) are null; a short line is padded with nulls, a long one cut.
"""
import datetime
import decimal

from kindling.sql.types import (
    BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, IntegerType, LongType,
    NullType, StringType, StructField, StructType, TimestampType, _create_row,
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
        """The fields of one line, or None for a line to skip (blank or a comment)."""
        if self.comment and line.startswith(self.comment):
            return None
        if line == "":
            return None
        return split_fields(line, self.sep, self.quote, self.escape)


class QuotedField(str):
    """A field that was quoted: ``""`` is an empty string, where an empty unquoted field is null."""

    __slots__ = ()


def split_fields(line, sep, quote, escape):
    """Fields as Spark's parser (univocity) reads them: an unquoted field is taken as it is
    (backslashes too); in a quoted one ``escape quote`` is a quote and ``escape escape`` an
    escape; a quoted field followed by anything but the separator is kept raw up to the next
    separator (Spark's STOP_AT_DELIMITER handling of unescaped quotes)."""
    fields, i, n = [], 0, len(line)
    while True:
        if quote and line.startswith(quote, i):
            j, value, closed = i + 1, [], False
            while j < n:
                ch = line[j]
                if escape and ch == escape and escape != quote and j + 1 < n and line[j + 1] in (quote, escape):
                    value.append(line[j + 1])
                    j += 2
                elif ch == quote:
                    closed = True
                    j += 1
                    break
                else:
                    value.append(ch)
                    j += 1
            if not closed:  # the line ends inside the quotes: the value is what follows the quote
                fields.append("".join(value))
                return fields
            if j == n or line.startswith(sep, j):
                fields.append(QuotedField("".join(value)))
                i = j
            else:
                k = line.find(sep, j)
                k = n if k < 0 else k
                fields.append(line[i:k])
                i = k
        else:
            k = line.find(sep, i)
            k = n if k < 0 else k
            fields.append(line[i:k])
            i = k
        if i >= n:
            return fields
        i += len(sep)
        if i == n:
            fields.append("")
            return fields


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
        if text is None or text == null_value:
            return None
        if text == "":
            # an empty unquoted field is null whatever nullValue is; a quoted one is ""
            return "" if isinstance(text, QuotedField) and isinstance(dt, StringType) else None
        text = str(text)
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


class _Malformed(Exception):
    pass


def row_reader(schema, options):
    """A function from one line's fields to a list of Rows (one, or none when DROPMALFORMED
    drops it). A line with the wrong number of fields, or a value that does not parse as its
    column's type, is malformed: PERMISSIVE pads, cuts and nulls it, DROPMALFORMED drops it,
    FAILFAST fails the task naming the line."""
    names = list(schema.names)
    converters = [converter(f.dataType, options.null_value) for f in schema.fields]
    strict = [strict_converter(c, f.dataType, options.null_value) for c, f in zip(converters, schema.fields)]
    width = len(names)
    mode = options.mode
    if mode not in ("PERMISSIVE", "DROPMALFORMED", "FAILFAST"):
        raise ValueError("mode must be PERMISSIVE, DROPMALFORMED or FAILFAST, got %s" % mode)

    def read(tokens):
        if mode == "PERMISSIVE":
            padded = list(tokens[:width]) + [None] * (width - len(tokens))
            return [_create_row(names, tuple(c(t) for c, t in zip(converters, padded)))]
        try:
            if len(tokens) != width:
                raise _Malformed()
            return [_create_row(names, tuple(c(t) for c, t in zip(strict, tokens)))]
        except _Malformed:
            if mode == "DROPMALFORMED":
                return []
            from kindling.sql._errors import PySparkRuntimeError

            raise PySparkRuntimeError(
                "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
                "record parsing: %s. Parse Mode: FAILFAST. To process malformed records as null "
                "result, try setting the option 'mode' as 'PERMISSIVE'. SQLSTATE: 22023"
                % options.sep.join(str(t) for t in tokens))

    return read


def strict_converter(convert, dt, null_value):
    """``convert``, but a value that is neither null nor parses as ``dt`` is malformed."""
    def checked(text):
        value = convert(text)
        if value is None and text is not None and text != null_value and text != "" \
                and not isinstance(dt, StringType):
            raise _Malformed()
        return value

    return checked


def string_schema(names):
    return StructType([StructField(n, StringType(), True) for n in names])



class CsvWriter:
    """One CSV line per row as Spark writes them: nulls as ``nullValue`` (empty), empty strings as
    ``emptyValue`` (``""``), leading and trailing spaces trimmed, a value quoted when it holds
    the separator, the quote, a line break or starts with the escape; quotes inside escaped with
    ``escape``; doubles as Java prints them."""

    def __init__(self, sep=",", quote='"', escape="\\", null_value="", empty_value='""',
                 escape_quotes=True, quote_all=False, trim_leading=True, trim_trailing=True):
        self.sep, self.quote, self.escape = sep, quote, escape
        self.null_value, self.empty_value = null_value, empty_value
        self.escape_quotes, self.quote_all = escape_quotes, quote_all
        self.trim_leading, self.trim_trailing = trim_leading, trim_trailing

    def _text(self, value, dt):
        from kindling.sql._json import _timestamp_text
        from kindling.sql._show import java_double_string, java_float_string

        if isinstance(dt, BooleanType):
            return "true" if value else "false"
        if isinstance(dt, DoubleType):
            return java_double_string(value)
        if isinstance(dt, FloatType):
            return java_float_string(value)
        if isinstance(dt, TimestampType):
            return _timestamp_text(value)
        if isinstance(dt, DateType):
            return value.isoformat()
        if isinstance(dt, DecimalType):
            return str(value)
        if isinstance(dt, BinaryType):
            return bytes(value).decode("utf-8", "replace")
        return str(value)

    def field(self, value, dt):
        if value is None:
            return self.null_value
        text = self._text(value, dt)
        if self.trim_leading:
            text = text.lstrip(" \t")
        if self.trim_trailing:
            text = text.rstrip(" \t")
        if text == "":
            return self.empty_value
        needs = (self.quote_all or self.sep in text or "\n" in text or "\r" in text
                 or (self.quote and self.quote in text))
        if not needs:
            return text
        if self.quote and self.escape_quotes:
            text = text.replace(self.escape, self.escape + self.escape) if self.escape == self.quote else text
            text = text.replace(self.quote, self.escape + self.quote)
        return self.quote + text + self.quote

    def line(self, row, types):
        return self.sep.join(self.field(v, t) for v, t in zip(row, types))
