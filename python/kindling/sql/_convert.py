"""Checking and normalising the Python values a DataFrame is created from, as PySpark's
``_make_type_verifier`` and the JVM's conversion do.

The result is what ``collect()`` gives back in PySpark: structs become ``Row`` (named by the
schema), arrays ``list``, maps ``dict``, binary ``bytes``, floats of a FloatType are rounded to 32
bits, decimals are rescaled to the type's scale, timezone-aware datetimes become local naive ones.
"""
import array
import datetime
import decimal
import struct

from kindling.sql._errors import PySparkTypeError, PySparkValueError
from kindling.sql.types import (
    ArrayType, BinaryType, BooleanType, ByteType, CharType, DateType, DayTimeIntervalType,
    DecimalType, DoubleType, FloatType, IntegerType, LongType, MapType, NullType, ShortType,
    StringType, StructType, TimestampNTZType, TimestampType, VarcharType,
    _create_row,
)

_ACCEPTABLE = {
    BooleanType: (bool,), ByteType: (int,), ShortType: (int,), IntegerType: (int,),
    LongType: (int,), FloatType: (float,), DoubleType: (float,), DecimalType: (decimal.Decimal,),
    BinaryType: (bytearray, bytes), DateType: (datetime.date, datetime.datetime),
    TimestampType: (datetime.datetime,), TimestampNTZType: (datetime.datetime,),
    DayTimeIntervalType: (datetime.timedelta,), ArrayType: (list, tuple, array.array),
    MapType: (dict,), StructType: (tuple, list, dict),
}
_BOUNDS = {ByteType: 7, ShortType: 15, IntegerType: 31, LongType: 63}


def _string_of(obj):
    """What the JVM makes of a non-string value in a string column (Java's ``toString``)."""
    from kindling.sql._show import java_double_string

    if isinstance(obj, bool):
        return "true" if obj else "false"
    if isinstance(obj, float):
        return java_double_string(obj)
    return str(obj)


def make_converter(dt, name=None, verify=True):
    """A function that checks one value against ``dt`` (unless ``verify`` is false) and returns
    it normalised; errors are PySpark's (FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME, ...)."""
    kind = type(dt)

    def fail_type(obj):
        if name is not None:
            raise PySparkTypeError(
                "[FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME] %s: %s can not accept object %r in type %s."
                % (name, dt, obj, type(obj)), errorClass="FIELD_DATA_TYPE_UNACCEPTABLE_WITH_NAME")
        raise PySparkTypeError(
            "[FIELD_DATA_TYPE_UNACCEPTABLE] %s can not accept object %r in type %s."
            % (dt, obj, type(obj)), errorClass="FIELD_DATA_TYPE_UNACCEPTABLE")

    def check(obj):
        if verify and kind in _ACCEPTABLE and type(obj) not in _ACCEPTABLE[kind]:
            fail_type(obj)

    def child_name(n):
        return "field %s" % n if name is None else "field %s in %s" % (n, name)

    if isinstance(dt, (StringType, CharType, VarcharType)):
        def convert(obj):
            return obj if isinstance(obj, str) else _string_of(obj)
    elif kind in _BOUNDS:
        bits = _BOUNDS[kind]

        def convert(obj):
            check(obj)
            if verify and not -(1 << bits) <= obj < (1 << bits):
                raise PySparkValueError(
                    "[VALUE_OUT_OF_BOUNDS] Value for `obj` must be between %d and %d (inclusive), "
                    "got %d" % (-(1 << bits), (1 << bits) - 1, obj), errorClass="VALUE_OUT_OF_BOUNDS")
            return int(obj)
    elif isinstance(dt, FloatType):
        def convert(obj):
            check(obj)
            return struct.unpack("f", struct.pack("f", obj))[0]
    elif isinstance(dt, DecimalType):
        quantum = decimal.Decimal(1).scaleb(-dt.scale)

        def convert(obj):
            check(obj)
            with decimal.localcontext() as ctx:
                ctx.prec = 60
                return obj.quantize(quantum, rounding=decimal.ROUND_HALF_UP)
    elif isinstance(dt, BinaryType):
        def convert(obj):
            check(obj)
            return bytes(obj)
    elif isinstance(dt, DateType):
        def convert(obj):
            check(obj)
            return obj.date() if isinstance(obj, datetime.datetime) else obj
    elif isinstance(dt, TimestampType):
        def convert(obj):
            check(obj)
            return obj.astimezone().replace(tzinfo=None) if obj.tzinfo is not None else obj
    elif isinstance(dt, TimestampNTZType):
        def convert(obj):
            check(obj)
            return obj.replace(tzinfo=None)
    elif isinstance(dt, ArrayType):
        element = make_converter(dt.elementType, "element in array %s" % name, verify)

        def convert(obj):
            check(obj)
            return [None if v is None else element(v) for v in obj]

        element = _nullable(element, dt.containsNull, "element in array %s" % name, verify)
    elif isinstance(dt, MapType):
        key = _nullable(make_converter(dt.keyType, "key of map %s" % name, verify), False,
                        "key of map %s" % name, verify)
        value = _nullable(make_converter(dt.valueType, "value of map %s" % name, verify),
                          dt.valueContainsNull, "value of map %s" % name, verify)

        def convert(obj):
            check(obj)
            return {key(k): value(v) for k, v in obj.items()}
    elif isinstance(dt, StructType):
        names = list(dt.names)
        fields = [_nullable(make_converter(f.dataType, child_name(f.name), verify), f.nullable,
                            child_name(f.name), verify) for f in dt.fields]

        def convert(obj):
            if isinstance(obj, dict):
                values = [obj.get(n) for n in names]
            elif isinstance(obj, (tuple, list)):
                if hasattr(obj, "__fields__") and getattr(obj, "__from_dict__", False):
                    values = [obj[n] for n in names]
                else:
                    if verify and len(obj) != len(names):
                        if name is not None:
                            raise PySparkValueError(
                                "[FIELD_STRUCT_LENGTH_MISMATCH_WITH_NAME] %s: Length of object (%d) "
                                "does not match with length of fields (%d)." % (name, len(obj), len(names)),
                                errorClass="FIELD_STRUCT_LENGTH_MISMATCH_WITH_NAME")
                        raise PySparkValueError(
                            "[FIELD_STRUCT_LENGTH_MISMATCH] Length of object (%d) does not match "
                            "with length of fields (%d)." % (len(obj), len(names)),
                            errorClass="FIELD_STRUCT_LENGTH_MISMATCH")
                    values = list(obj)
            elif hasattr(obj, "__dict__"):
                values = [obj.__dict__.get(n) for n in names]
            else:
                fail_type(obj)
            return _create_row(names, tuple(f(v) for f, v in zip(fields, values)))
    elif isinstance(dt, NullType):
        def convert(obj):
            return None
    else:
        def convert(obj):
            check(obj)
            return obj
    return convert


def _nullable(convert, nullable, name, verify):
    def checked(obj):
        if obj is None:
            if verify and not nullable:
                if name is not None:
                    raise PySparkValueError(
                        "[FIELD_NOT_NULLABLE_WITH_NAME] %s: This field is not nullable, but got None."
                        % name, errorClass="FIELD_NOT_NULLABLE_WITH_NAME")
                raise PySparkValueError("[FIELD_NOT_NULLABLE] Field is not nullable, but got None.",
                                        errorClass="FIELD_NOT_NULLABLE")
            return None
        return convert(obj)

    return checked


def row_converter(schema, verify=True):
    """Converts one record of a DataFrame (tuple, list, dict, Row, object) to a Row of
    ``schema``; a record that is None is rejected as PySpark does."""
    return _nullable(make_converter(schema, None, verify), False, None, verify)
