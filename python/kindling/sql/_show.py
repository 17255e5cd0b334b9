"""The text of ``DataFrame.show`` as Spark's ``Dataset.showString`` makes it, and cell values as
Spark's ``ToPrettyString`` casts them.

Table (truncate > 0: cells right-aligned, longer than ``truncate`` cut to ``truncate - 3`` plus
``...``; truncate = 0: left-aligned, uncut)::

    +---+-----+          every column at least 3 wide; widths count East Asian wide
    | id| name|          characters twice (Spark's Utils.stringHalfWidth)
    +---+-----+
    |  1|Alice|
    +---+-----+
    only showing top 1 row     (only when there are more rows than shown)

Vertical::

    -RECORD 0----        header padded with '-' to nameWidth + dataWidth + 5
     id   | 1
     name | Alice
    (0 rows)             when there are no rows at all (footers end without a newline)
"""
import datetime
import decimal
import math
import struct
import unicodedata

from kindling.sql.types import (
    ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, FloatType, MapType,
    StructType, TimestampNTZType, TimestampType, _escape_meta,
)

__all__ = ["show_string", "pretty", "java_double_string", "java_float_string"]


def _java_decimal_digits(text):
    """(sign, digits, point) of a decimal text such as ``1.5e-07``: value = 0.digits * 10**point,
    digits without trailing zeros."""
    sign, digits, exponent = decimal.Decimal(text).as_tuple()
    digits = list(digits)
    while len(digits) > 1 and digits[-1] == 0:
        digits.pop()
        exponent += 1
    return sign, "".join(map(str, digits)), len(digits) + exponent


def _java_floating_string(value, shortest_repr):
    """Java's ``Double.toString``/``Float.toString`` layout: plain for 1e-3 <= |x| < 1e7 (at least
    one digit after the point), else ``d.dddE±n``."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign, digits, point = _java_decimal_digits(shortest_repr)
    prefix = "-" if sign else ""
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        if point <= 0:
            return prefix + "0." + "0" * (-point) + digits
        if point >= len(digits):
            return prefix + digits + "0" * (point - len(digits)) + ".0"
        return prefix + digits[:point] + "." + digits[point:]
    exponent = point - 1
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return "%s%sE%d" % (prefix, mantissa, exponent)


def java_double_string(value):
    return _java_floating_string(value, repr(float(value)))


def _shortest_float32_repr(value):
    """The shortest decimal that reads back as the same 32-bit float."""
    target = struct.unpack("f", struct.pack("f", value))[0]
    for precision in range(1, 10):
        text = "%.*e" % (precision - 1, target)
        if struct.unpack("f", struct.pack("f", float(text)))[0] == target:
            return text
    return repr(target)


def java_float_string(value):
    return _java_floating_string(value, _shortest_float32_repr(value))


def _timestamp_string(value):
    text = value.strftime("%Y-%m-%d %H:%M:%S")
    if value.microsecond:
        text += ("." + "%06d" % value.microsecond).rstrip("0")
    return text


def pretty(value, dt, nested=False):
    """A value as Spark 4 casts it for display: ``NULL``, ``true``, ``[1, NULL]``,
    ``{k -> 1}``, ``{1, b}`` (a struct), ``[01 FF]`` (binary), Java's double text."""
    if value is None:
        return "NULL"
    if isinstance(dt, BooleanType):
        return "true" if value else "false"
    if isinstance(dt, DoubleType):
        return java_double_string(value)
    if isinstance(dt, FloatType):
        return java_float_string(value)
    if isinstance(dt, DecimalType):
        return format(value, "f")
    if isinstance(dt, BinaryType):
        return "[" + " ".join("%02X" % b for b in bytes(value)) + "]"
    if isinstance(dt, (TimestampType, TimestampNTZType)):
        return _timestamp_string(value)
    if isinstance(dt, DateType):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    if isinstance(dt, ArrayType):
        return "[" + ", ".join(pretty(v, dt.elementType, True) for v in value) + "]"
    if isinstance(dt, MapType):
        return "{" + ", ".join("%s -> %s" % (pretty(k, dt.keyType, True), pretty(v, dt.valueType, True))
                               for k, v in value.items()) + "}"
    if isinstance(dt, StructType):
        return "{" + ", ".join(pretty(v, f.dataType, True) for v, f in zip(value, dt.fields)) + "}"
    return str(value)


def _half_width(text):
    """Spark's ``Utils.stringHalfWidth``: East Asian wide and fullwidth characters count 2."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _cell(value, dt, truncate):
    text = _escape_meta(pretty(value, dt))
    if 0 < truncate < len(text):
        return text[:truncate] if truncate < 4 else text[:truncate - 3] + "..."
    return text


def _pad(text, width, left):
    fill = " " * max(0, width - _half_width(text))
    return fill + text if left else text + fill


def show_string(schema, rows, num_rows, truncate=20, vertical=False):
    """The text ``show`` prints, from up to ``num_rows + 1`` rows (one more tells that there are
    more)."""
    has_more = len(rows) > num_rows
    rows = rows[:num_rows]
    header = [_escape_meta(name) for name in schema.names]
    cells = [[_cell(v, f.dataType, truncate) for v, f in zip(row, schema.fields)] for row in rows]
    out = []
    if not vertical:
        widths = [max(3, _half_width(h)) for h in header]
        for row in cells:
            for i, c in enumerate(row):
                widths[i] = max(widths[i], _half_width(c))
        sep = "+" + "+".join("-" * w for w in widths) + "+\n"
        out.append(sep)
        for row in [header] + cells:
            out.append("|" + "|".join(_pad(c, w, truncate > 0) for c, w in zip(row, widths)) + "|\n")
            if row is header:
                out.append(sep)
        out.append(sep)
    else:
        name_width = max([3] + [_half_width(h) for h in header])
        data_width = max([3] + [_half_width(c) for row in cells for c in row])
        for i, row in enumerate(cells):
            out.append(("-RECORD %d" % i).ljust(name_width + data_width + 5, "-") + "\n")
            for name, c in zip(header, row):
                out.append(" %s | %s \n" % (_pad(name, name_width, False), _pad(c, data_width, False)))
    # Spark 4's footer has no newline of its own (print adds the only one).
    if vertical and not cells:
        out.append("(0 rows)")
    elif has_more:
        out.append("only showing top %d %s" % (num_rows, "row" if num_rows == 1 else "rows"))
    return "".join(out)
