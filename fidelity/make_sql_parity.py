"""Writes docs/sql-parity.md: every public member of PySpark's SparkSession, SparkSession.Builder,
DataFrame, DataFrameReader, DataFrameWriter, Row and RuntimeConfig, with Kindling's status.

    fidelity/.venv-4.2.1/bin/python fidelity/make_sql_parity.py

The members are enumerated from the installed pyspark with ``dir()`` (names without a leading
underscore), not typed in. A member is *missing* when kindling.sql lacks it or when Kindling's
version only raises the not-supported error (found in its source); *differs* when NOTES below
says how; *supported* otherwise.
"""
import inspect
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "python"))

#: How a member Kindling has differs from PySpark's (status "differs").
DIFFERS = {
    "SparkSession.createDataFrame": "local data, RDDs, Rows, tuples, dicts, namedtuples, objects and "
    "any schema form; pandas DataFrames, numpy arrays and Arrow tables are refused",
    "SparkSession.conf": "a session's own settings over the context's; only the SQL settings Kindling "
    "knows have defaults (shuffle partitions, file split sizes, ...), and only the file-split ones act",
    "SparkSession.range": "an RDD of Row(id) over `sc.parallelize(range(...))`, no codegen",
    "SparkSession.read": "text, json and csv files only (see DataFrameReader)",
    "SparkSession.version": "Kindling's version (the JVM's), not a Spark version",
    "SparkSession.newSession": "shares the context; has its own `conf` (there are no temp views or UDFs to keep apart)",
    "SparkSession.getActiveSession": "one active session per process (the default session), not per thread",
    "SparkSession.active": "one active session per process (the default session), not per thread",
    "SparkSession.Builder.config": "settings go to the context when it starts, to the session's `conf` afterwards",
    "SparkSession.Builder.create": "a session with its own `conf` on the running context",
    "DataFrame.select": "column names (and `*`) only: Column expressions need Spark SQL",
    "DataFrame.drop": "column names only",
    "DataFrame.orderBy": "column names with `ascending` (bool or list) only; a global sort with `RDD.sortBy`",
    "DataFrame.sort": "column names with `ascending` (bool or list) only; a global sort with `RDD.sortBy`",
    "DataFrame.limit": "runs `take(n)` when the result is first used",
    "DataFrame.repartition": "a number of partitions only (no partitioning columns)",
    "DataFrame.persist": "the RDD of Rows is persisted (no columnar cache); default MEMORY_ONLY",
    "DataFrame.cache": "the RDD of Rows is cached (no columnar cache)",
    "DataFrame.storageLevel": "the RDD's storage level",
    "DataFrame.union": "positional; numeric columns widen, other differing types merge as in schema inference",
    "DataFrame.unionAll": "positional; numeric columns widen, other differing types merge as in schema inference",
    "DataFrame.sample": "RDD.sample: the rows picked for a seed differ from Spark's",
    "DataFrame.randomSplit": "RDD.randomSplit: the rows picked for a seed differ from Spark's",
    "DataFrame.distinct": "a shuffle of whole Rows; result order differs from Spark's (neither promises one)",
    "DataFrame.dropDuplicates": "keeps the first row per key that the shuffle meets",
    "DataFrame.drop_duplicates": "keeps the first row per key that the shuffle meets",
    "DataFrame.checkpoint": "RDD.checkpoint of the rows (saved at once, with one job, when eager)",
    "DataFrame.localCheckpoint": "RDD.localCheckpoint of the rows; storageLevel is ignored",
    "DataFrame.toJSON": "an RDD of JSON strings, as PySpark 4.2 (which warns that this will change)",
    "DataFrameReader.text": "modifiedBefore/modifiedAfter refused; otherwise Spark's splits and line rules",
    "DataFrameReader.json": "options samplingRatio, primitivesAsString, prefersDecimal, mode, "
    "columnNameOfCorruptRecord, lineSep, multiLine, dropFieldIfAllNull; others (allowSingleQuotes, "
    "dateFormat, ...) are refused by name; no date or timestamp inference",
    "DataFrameReader.csv": "options sep, header, inferSchema, quote, escape, nullValue, comment, mode, lineSep; "
    "others are refused by name; no multiLine records (a quoted line break ends the record)",
    "DataFrameReader.load": "formats text, json, csv",
    "DataFrameReader.option": "options are checked when the read runs; unknown ones are refused by name",
    "DataFrameReader.options": "options are checked when the read runs; unknown ones are refused by name",
    "DataFrameWriter.text": "options compression (none, gzip) and lineSep",
    "DataFrameWriter.json": "Spark's default layout; dateFormat/timestampFormat/encoding refused, null fields always left out",
    "DataFrameWriter.save": "formats text, json, csv",
    "DataFrameWriter.csv": "options sep, quote, escape, header, nullValue, escapeQuotes, quoteAll, "
    "ignoreLeadingWhiteSpace, ignoreTrailingWhiteSpace, emptyValue, lineSep, compression; dateFormat, "
    "timestampFormat, encoding and charToEscapeQuoteEscaping are refused",
    "DataFrameWriter.option": "options are checked when the write runs; unknown ones are refused by name",
    "DataFrameWriter.options": "options are checked when the write runs; unknown ones are refused by name",
    "RuntimeConfig.isModifiable": "true for the SQL settings Kindling knows and other non-static spark.sql.* keys",
}

#: Why a member Kindling lacks is missing (when Kindling's own error does not say).
MISSING = {
    "SparkSession.addArtifact": "Spark Connect only", "SparkSession.addArtifacts": "Spark Connect only",
    "SparkSession.client": "Spark Connect only", "SparkSession.copyFromLocalToFs": "Spark Connect only",
    "SparkSession.registerProgressHandler": "Spark Connect only",
    "SparkSession.removeProgressHandler": "Spark Connect only",
    "SparkSession.clearProgressHandlers": "Spark Connect only",
    "SparkSession.addTag": "job tags are not in Kindling's engine",
    "SparkSession.removeTag": "job tags are not in Kindling's engine",
    "SparkSession.getTags": "job tags are not in Kindling's engine",
    "SparkSession.clearTags": "job tags are not in Kindling's engine",
    "SparkSession.interruptAll": "job tags are not in Kindling's engine (use SparkContext.cancelAllJobs)",
    "SparkSession.interruptTag": "job tags are not in Kindling's engine",
    "SparkSession.interruptOperation": "Spark Connect only",
    "SparkSession.dataSource": "Python data sources need Spark SQL",
    "SparkSession.profile": "Kindling has no profiler",
    "SparkSession.tvf": "table-valued functions need Spark SQL",
    "SparkSession.Builder": "",
    "DataFrame.plot": "plotting needs pandas and Spark SQL aggregates",
    "DataFrame.isLocal": "needs a query plan",
    "DataFrameReader.changes": "change data feeds need a table catalog",
}


def _kindling_classes():
    from kindling.sql.conf import RuntimeConfig
    from kindling.sql.dataframe import DataFrame
    from kindling.sql.readwriter import DataFrameReader, DataFrameWriter
    from kindling.sql.session import SparkSession
    from kindling.sql.types import Row

    return {"SparkSession": SparkSession, "SparkSession.Builder": SparkSession.Builder,
            "DataFrame": DataFrame, "DataFrameReader": DataFrameReader,
            "DataFrameWriter": DataFrameWriter, "Row": Row, "RuntimeConfig": RuntimeConfig}


def _pyspark_classes():
    from pyspark.sql import DataFrame, DataFrameReader, DataFrameWriter, Row, SparkSession
    from pyspark.sql.conf import RuntimeConfig

    return {"SparkSession": SparkSession, "SparkSession.Builder": SparkSession.Builder,
            "DataFrame": DataFrame, "DataFrameReader": DataFrameReader,
            "DataFrameWriter": DataFrameWriter, "Row": Row, "RuntimeConfig": RuntimeConfig}


_REASON = re.compile(r"not_supported\(\s*(?:\"[^\"]*\"|'[^']*'|[^,]+),\s*(\"[^\"]*\"|_[A-Z_]+|\"[^\"]*\"\s*\+\s*_[A-Z_]+)")


def _refusal(cls, name):
    """The reason Kindling's member gives when all it does is raise not_supported, else None."""
    member = inspect.getattr_static(cls, name)
    func = member.fget if isinstance(member, property) else member
    func = getattr(func, "__func__", func)
    doc = getattr(func, "__doc__", None) or ""
    if doc.startswith("Not in Kindling: "):
        return doc[len("Not in Kindling: "):].rstrip(".")
    try:
        source = inspect.getsource(func)
    except (TypeError, OSError):
        return None
    body = source.split(":\n", 1)[1] if ":\n" in source else ""
    body = re.sub(r'^\s*("""|\'\'\')(.|\n)*?\1\s*\n', "", body)  # the docstring
    statement = " ".join(line.strip() for line in body.splitlines() if line.strip())
    if not statement.startswith("raise not_supported("):
        return None
    m = _REASON.search(statement)
    if not m:
        return "not supported"
    text = m.group(1)
    module = sys.modules[func.__module__]
    for const in set(re.findall(r"\b_[A-Z_]+\b", text)):
        text = text.replace(const, repr(getattr(module, const)))
    return eval(text, {})


def main():
    import pyspark

    kindling = _kindling_classes()
    rows, counts = [], {}
    for label, cls in _pyspark_classes().items():
        mine = kindling[label]
        for name in sorted(n for n in dir(cls) if not n.startswith("_")):
            key = "%s.%s" % (label, name)
            if key == "SparkSession.Builder":
                status, reason = "supported", "a class; `SparkSession.builder` makes a new one each time"
            elif not hasattr(mine, name):
                status, reason = "missing", MISSING.get(key, "not implemented in Kindling")
            else:
                refusal = _refusal(mine, name)
                if refusal is not None:
                    status, reason = "missing", refusal
                elif key in DIFFERS:
                    status, reason = "differs", DIFFERS[key]
                else:
                    status, reason = "supported", ""
            counts[status] = counts.get(status, 0) + 1
            rows.append((label, name, status, reason))
    unused = (set(DIFFERS) | set(MISSING)) - {"%s.%s" % (r[0], r[1]) for r in rows}
    if unused:
        raise SystemExit("make_sql_parity: notes for members pyspark %s does not have: %s"
                         % (pyspark.__version__, sorted(unused)))
    out = [
        "# kindling.sql parity with PySpark %s" % pyspark.__version__,
        "",
        "Generated by `fidelity/make_sql_parity.py` from `dir()` of pip pyspark %s: every public "
        "member of `SparkSession`, `SparkSession.Builder`, `DataFrame`, `DataFrameReader`, "
        "`DataFrameWriter`, `Row` and `RuntimeConfig`." % pyspark.__version__,
        "",
        "Kindling has **no SQL engine and no optimizer**. A `DataFrame` is an RDD of `Row` plus a "
        "schema; every method is an RDD transformation, evaluated lazily as RDDs are. What needs "
        "Spark SQL expressions (`Column`, `col`, `functions`, SQL strings) raises "
        "`NotImplementedError` naming the member and pointing here; Kindling does not invent API "
        "in its place. `show`, `printSchema`, `Row`, the types, schema inference and the readers "
        "and writers are checked against the text pyspark %s produces "
        "(`python/tests/sql/test_sql_fixtures.py`)." % pyspark.__version__,
        "",
        "Also: `RDD.toDF(schema, sampleRatio)` is supported (it exists before any session, using "
        "or starting the default session on the RDD's context, where PySpark adds it when a "
        "session starts); `pyspark.sql.functions`, `Column`, `Window`, `GroupedData` and "
        "`Catalog` are missing (they are Spark SQL).",
        "",
        "Totals: %s." % ", ".join("%d %s" % (counts.get(s, 0), s) for s in ("supported", "differs", "missing")),
        "",
        "| class | member | status | how it differs / why it is missing |",
        "|---|---|---|---|",
    ]
    for label, name, status, reason in rows:
        out.append("| `%s` | `%s` | %s | %s |" % (label, name, status, reason.replace("|", "\\|")))
    path = os.path.join(ROOT, "docs", "sql-parity.md")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")
    print("wrote %s: %s" % (path, counts))


if __name__ == "__main__":
    main()
