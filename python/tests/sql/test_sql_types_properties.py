"""Round trips of the SQL types (no JVM): every type reads back from its JSON and from its
DDL text, and Rows survive pickling with their field names."""
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from kindling.sql import types as T

_atomic = st.sampled_from([
    T.StringType(), T.BinaryType(), T.BooleanType(), T.DateType(), T.TimestampType(),
    T.TimestampNTZType(), T.DoubleType(), T.FloatType(), T.ByteType(), T.ShortType(),
    T.IntegerType(), T.LongType(), T.DayTimeIntervalType(), T.YearMonthIntervalType(),
]) | st.builds(lambda p, s: T.DecimalType(p, min(s, p)), st.integers(1, 38), st.integers(0, 38))
_names = st.text(alphabet="abcxyz_09", min_size=1, max_size=6).filter(lambda n: not n[0].isdigit())


def _structs(children):
    return st.lists(st.tuples(_names, children), min_size=1, max_size=4,
                    unique_by=lambda f: f[0]).map(
        lambda fs: T.StructType([T.StructField(n, t, True) for n, t in fs]))


_types = st.recursive(
    _atomic,
    lambda children: (st.builds(lambda e: T.ArrayType(e, True), children)
                      | st.builds(lambda k, v: T.MapType(k, v, True), _atomic, children)
                      | _structs(children)),
    max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(_types)
def test_json_round_trip(t):
    assert T._parse_datatype_json_string(t.json()) == t


@settings(max_examples=150, deadline=None)
@given(_types)
def test_ddl_round_trip_of_simple_string(t):
    assert T._parse_datatype_string(t.simpleString()) == t


@settings(max_examples=100, deadline=None)
@given(_structs(_types))
def test_table_schema_ddl_round_trip(struct):
    ddl = ", ".join("%s %s" % (f.name, f.dataType.simpleString()) for f in struct.fields)
    assert T._parse_datatype_string(ddl) == struct


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_names, st.integers() | st.text() | st.none()), min_size=1, max_size=5,
                unique_by=lambda f: f[0]))
def test_rows_pickle_with_their_names(fields):
    row = T.Row(**dict(fields))
    back = pickle.loads(pickle.dumps(row))
    assert back == row and back.__fields__ == row.__fields__ and repr(back) == repr(row)
