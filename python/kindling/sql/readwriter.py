"""``spark.read`` and ``df.write`` for the file formats an RDD program uses: text, JSON, CSV.

The driver lists the files and plans the partitions as Spark does (``_files``); the Python
workers read their splits. Writing follows Spark's layout::

    path/
      part-00000-<job uuid>-c000.txt[.gz]     one per partition that has rows (partition 0
      .part-00000-<job uuid>-c000.txt.crc      always: Spark keeps it for the schema)
      _SUCCESS                                 written last, empty
      ._SUCCESS.crc                            Hadoop's local checksum files beside each

Tasks write into ``path/_temporary/0/task_NNNNN/``; the driver moves the files up when every
task has succeeded, then writes ``_SUCCESS`` (the commit of Hadoop's FileOutputCommitter v1).
An overwrite builds the new directory beside the old one and swaps it in at the end.
"""
import gzip
import os
import shutil
import struct
import uuid
import zlib

from kindling.sql import _csv, _files, _json
from kindling.sql._errors import AnalysisException, PySparkTypeError, PySparkValueError, not_supported
from kindling.sql.types import (
    ArrayType, MapType, StringType, StructField, StructType, _create_row, _parse_datatype_string,
)

__all__ = ["DataFrameReader", "DataFrameWriter"]


def _option_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _CaseInsensitiveOptions(dict):
    """Spark's data source options: keys compare without case."""

    def __init__(self):
        super().__init__()
        self._names = {}

    def put(self, key, value):
        if value is None:
            return
        canonical = self._names.setdefault(key.lower(), key)
        self[canonical] = _option_text(value)

    def lookup(self, key, default=None):
        canonical = self._names.get(key.lower())
        return self.get(canonical, default) if canonical is not None else default

    def normalized(self, known):
        """The options under the spelling of ``known`` (Spark's documented names)."""
        out = {}
        for k, v in self.items():
            match = next((n for n in known if n.lower() == k.lower()), k)
            out[match] = v
        return out


_TEXT_OPTIONS = ("wholetext", "lineSep", "pathGlobFilter", "recursiveFileLookup", "encoding")
_JSON_OPTIONS = ("samplingRatio", "primitivesAsString", "prefersDecimal", "mode",
                 "columnNameOfCorruptRecord", "lineSep", "multiLine", "dropFieldIfAllNull",
                 "pathGlobFilter", "recursiveFileLookup", "encoding", "allowNonNumericNumbers")
_CSV_OPTIONS = ("sep", "delimiter", "header", "inferSchema", "quote", "escape", "nullValue",
                "comment", "mode", "pathGlobFilter", "recursiveFileLookup", "encoding",
                "samplingRatio", "lineSep")


class _OptionUtils:
    """``format``, ``option`` and ``options`` of the reader and the writer (PySpark's OptionUtils
    role): each returns ``self`` for chaining."""

    def format(self, source):
        self._format = source
        return self

    def option(self, key, value):
        self._options.put(key, value)
        return self

    def options(self, **options):
        for k, v in options.items():
            self._options.put(k, v)
        return self


class DataFrameReader(_OptionUtils):
    """``spark.read``: ``format``/``schema``/``option(s)`` then ``load`` or ``text``/``json``/``csv``."""

    def __init__(self, spark):
        self._spark = spark
        self._format = None
        self._schema = None
        self._options = _CaseInsensitiveOptions()

    def schema(self, schema):
        if isinstance(schema, str):
            schema = _parse_datatype_string(schema)
            if not isinstance(schema, StructType):
                schema = StructType([StructField("value", schema)])
        if not isinstance(schema, StructType):
            raise PySparkTypeError(
                "[NOT_STR_OR_STRUCT] Argument `schema` should be a str or StructType, got %s."
                % type(schema).__name__, errorClass="NOT_STR_OR_STRUCT")
        self._schema = schema
        return self

    def _apply(self, format, schema, options):
        """The arguments of a read call, set as ``format``, ``schema`` and ``options`` would."""
        for given, setter in ((format, self.format), (schema, self.schema)):
            if given is not None:
                setter(given)
        self.options(**options)

    def load(self, path=None, format=None, schema=None, **options):
        self._apply(format, schema, options)
        if path is None:
            raise not_supported("DataFrameReader.load without a path", "Kindling reads files only")
        source = (self._format or self._spark._sql_conf("spark.sql.sources.default")).lower()
        readers = {"text": self._read_text, "json": self._read_json, "csv": self._read_csv}
        if source not in readers:
            raise not_supported("DataFrameReader format %r" % source,
                                "Kindling reads only text, json and csv files")
        return readers[source](path)

    def text(self, paths, wholetext=False, lineSep=None, pathGlobFilter=None,
             recursiveFileLookup=None, modifiedBefore=None, modifiedAfter=None):
        self.options(wholetext=wholetext, lineSep=lineSep, pathGlobFilter=pathGlobFilter,
                     recursiveFileLookup=recursiveFileLookup, modifiedBefore=modifiedBefore,
                     modifiedAfter=modifiedAfter)
        return self._read_text(paths)

    def json(self, path, schema=None, primitivesAsString=None, prefersDecimal=None, **options):
        if schema is not None:
            self.schema(schema)
        self.options(primitivesAsString=primitivesAsString, prefersDecimal=prefersDecimal, **options)
        return self._read_json(path)

    def csv(self, path, schema=None, sep=None, encoding=None, quote=None, escape=None,
            comment=None, header=None, inferSchema=None, nullValue=None, **options):
        if schema is not None:
            self.schema(schema)
        self.options(sep=sep, encoding=encoding, quote=quote, escape=escape, comment=comment,
                     header=header, inferSchema=inferSchema, nullValue=nullValue, **options)
        return self._read_csv(path)

    def parquet(self, *paths, **options):
        raise not_supported("DataFrameReader.parquet", "Kindling reads only text, json and csv files")

    def orc(self, path, **options):
        raise not_supported("DataFrameReader.orc", "Kindling reads only text, json and csv files")

    def table(self, tableName):
        raise not_supported("DataFrameReader.table", "Kindling has no SQL catalog")

    def jdbc(self, *args, **kwargs):
        raise not_supported("DataFrameReader.jdbc", "Kindling reads only text, json and csv files")

    def xml(self, *args, **kwargs):
        raise not_supported("DataFrameReader.xml", "Kindling reads only text, json and csv files")

    # -- planning and reading --------------------------------------------------------------------

    def _check_options(self, known, source):
        ignored = {"modifiedBefore", "modifiedAfter"}
        for key in self._options:
            if not any(key.lower() == k.lower() for k in known):
                if key in ignored:
                    raise not_supported("the %s option %s" % (source, key), "file times are not filtered")
                raise not_supported("the %s option %r" % (source, key), "Kindling does not implement it")
        encoding = self._options.lookup("encoding")
        if encoding is not None and encoding.lower().replace("-", "") not in ("utf8",):
            raise not_supported("the %s option encoding=%s" % (source, encoding),
                                "Kindling reads UTF-8 only")

    def _splits(self, paths, splittable=True):
        sc = self._spark.sparkContext
        files = _files.list_files(
            paths, recursive=self._options.lookup("recursiveFileLookup", "false").lower() == "true",
            glob_filter=self._options.lookup("pathGlobFilter"))
        conf = self._spark._sql_conf
        parallelism = conf("spark.sql.files.minPartitionNum")
        if parallelism in (None, "<undefined>"):
            parallelism = conf("spark.sql.leafNodeDefaultParallelism")
        parallelism = sc.defaultParallelism if parallelism in (None, "<undefined>") else int(parallelism)
        plan = _files.plan_partitions(
            files, parallelism, _files.byte_size(conf("spark.sql.files.maxPartitionBytes")),
            _files.byte_size(conf("spark.sql.files.openCostInBytes")), splittable)
        return files, plan

    def _partitions(self, plan):
        """An RDD with one element per planned partition: the list of its splits."""
        sc = self._spark.sparkContext
        if not plan:
            return sc.emptyRDD()
        return sc.parallelize(plan, len(plan))

    def _lines(self, plan, separator):
        sep = None if separator is None else separator.encode("utf-8")

        def lines(splits):
            for path, start, length in splits:
                for line in _files.read_lines(path, start, length, sep):
                    yield line.decode("utf-8", "replace")

        return self._partitions(plan).flatMap(lines)

    def _read_text(self, paths):
        from kindling.sql.dataframe import DataFrame

        self._check_options(_TEXT_OPTIONS, "text")
        whole = self._options.lookup("wholetext", "false").lower() == "true"
        files, plan = self._splits(paths, splittable=not whole)
        schema = StructType([StructField("value", StringType(), True)])
        names = ["value"]
        if whole:
            def whole_files(splits):
                for path, _, _ in splits:
                    yield _create_row(names, (_files.read_whole(path).decode("utf-8", "replace"),))

            rdd = self._partitions(plan).flatMap(whole_files)
        else:
            rdd = self._lines(plan, self._options.lookup("lineSep")).map(
                lambda line: _create_row(names, (line,)))
        return DataFrame(rdd, schema, self._spark)

    def _read_json(self, path):
        from kindling.sql.dataframe import DataFrame

        self._check_options(_JSON_OPTIONS, "json")
        opts = self._options
        mode = opts.lookup("mode", "PERMISSIVE").upper()
        if mode not in ("PERMISSIVE", "DROPMALFORMED", "FAILFAST"):
            raise PySparkValueError("mode must be PERMISSIVE, DROPMALFORMED or FAILFAST, got %s" % mode)
        corrupt = opts.lookup("columnNameOfCorruptRecord", "_corrupt_record")
        multiline = opts.lookup("multiLine", "false").lower() == "true"
        files, plan = self._splits(path, splittable=not multiline)
        if multiline:
            def documents(splits):
                for p, _, _ in splits:
                    yield _files.read_whole(p).decode("utf-8", "replace")

            lines = self._partitions(plan).flatMap(documents)
        else:
            lines = self._lines(plan, opts.lookup("lineSep")).filter(lambda line: line.strip() != "")
        schema = self._schema
        if schema is None:
            as_string = opts.lookup("primitivesAsString", "false").lower() == "true"
            prefers_decimal = opts.lookup("prefersDecimal", "false").lower() == "true"
            ratio = float(opts.lookup("samplingRatio", "1.0"))
            sample = lines.sample(False, ratio, 1) if ratio < 1.0 else lines

            def infer(iterator):
                found, bad = None, False
                for line in iterator:
                    records = _json.parse_records(line)
                    if records is _json._CORRUPT:
                        bad = True
                        continue
                    for r in records:
                        t = _json.infer_record(r, as_string, prefers_decimal)
                        found = t if found is None else _json.merge(found, t)
                yield found, bad

            merged, any_bad = None, False
            for t, bad in sample.mapPartitions(infer).collect():
                any_bad = any_bad or bad
                if t is not None:
                    merged = t if merged is None else _json.merge(merged, t)
            if merged is None and not any_bad:
                raise AnalysisException(
                    "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for JSON. It must be specified "
                    "manually. SQLSTATE: 42KD9", errorClass="UNABLE_TO_INFER_SCHEMA")
            if opts.lookup("dropFieldIfAllNull", "false").lower() == "true" and merged is not None:
                from kindling.sql.types import NullType

                merged = StructType([f for f in merged.fields if not isinstance(f.dataType, NullType)])
            schema = _json.canonical(merged) if merged is not None else None
            if schema is None:
                schema = StructType([])
            if any_bad and mode == "PERMISSIVE" and corrupt not in schema.names:
                schema = StructType(sorted(list(schema.fields) + [StructField(corrupt, StringType(), True)],
                                           key=lambda f: f.name))
        read = _json.record_reader(schema, mode, corrupt)
        return DataFrame(lines.flatMap(read), schema, self._spark)

    def _read_csv(self, path):
        from kindling.sql.dataframe import DataFrame

        self._check_options(_CSV_OPTIONS, "csv")
        options = _csv.CsvOptions(self._options.normalized(_CSV_OPTIONS))
        files, plan = self._splits(path)
        separator = self._options.lookup("lineSep")
        sep = None if separator is None else separator.encode("utf-8")
        header = options.header

        def records(splits):
            for p, start, length in splits:
                first = start == 0
                for line in _files.read_lines(p, start, length, sep):
                    tokens = options.split(line.decode("utf-8", "replace"))
                    if tokens is None:
                        continue
                    if header and first:
                        first = False
                        continue
                    first = False
                    yield tokens

        tokens = self._partitions(plan).flatMap(records)
        schema = self._schema
        if schema is None:
            first_line = None
            for p, _ in files:
                for line in _files.read_lines(p, 0, os.path.getsize(p), sep):
                    first_line = options.split(line.decode("utf-8", "replace"))
                    if first_line is not None:
                        break
                if first_line is not None:
                    break
            if first_line is None:
                raise AnalysisException(
                    "[UNABLE_TO_INFER_SCHEMA] Unable to infer schema for CSV. It must be specified "
                    "manually. SQLSTATE: 42KD9", errorClass="UNABLE_TO_INFER_SCHEMA")
            names = (_csv.header_names(first_line) if header
                     else ["_c%d" % i for i in range(len(first_line))])
            if options.infer:
                from kindling.sql.types import NullType

                null_value = options.null_value
                width = len(names)

                def infer(iterator):
                    types = [NullType()] * width
                    for row in iterator:
                        for i, text in enumerate(row[:width]):
                            if text is not None and text != null_value and text != "":
                                types[i] = _csv.merge(types[i], _csv.infer_field(text, types[i]))
                    yield types

                types = [NullType()] * width
                for part in tokens.mapPartitions(infer).collect():
                    types = [_csv.merge(a, b) for a, b in zip(types, part)]
                schema = StructType([StructField(n, StringType() if isinstance(t, NullType) else t, True)
                                     for n, t in zip(names, types)])
            else:
                schema = _csv.string_schema(names)
        return DataFrame(tokens.flatMap(_csv.row_reader(schema, options)), schema, self._spark)


# -- writing ---------------------------------------------------------------------------------------

_MODES = {"append": "append", "overwrite": "overwrite", "error": "errorifexists",
          "errorifexists": "errorifexists", "default": "errorifexists", "ignore": "ignore"}


def _hadoop_crc(data):
    """The ``.crc`` file Hadoop's local file system keeps beside a file: ``crc\\0``, the chunk
    size (i32 512), then the CRC-32 of every 512-byte chunk (big-endian u32)."""
    out = [b"crc\x00", struct.pack(">i", 512)]
    for i in range(0, len(data), 512):
        out.append(struct.pack(">I", zlib.crc32(data[i:i + 512]) & 0xFFFFFFFF))
    return b"".join(out)


def _write_with_crc(path, data):
    with open(path, "wb") as f:
        f.write(data)
    directory, name = os.path.split(path)
    with open(os.path.join(directory, "." + name + ".crc"), "wb") as f:
        f.write(_hadoop_crc(data))


class DataFrameWriter(_OptionUtils):
    """``df.write``: ``mode``/``format``/``option(s)`` then ``save`` or ``text``/``json``/``csv``."""

    def __init__(self, df):
        self._df = df
        self._mode = "errorifexists"
        self._format = None
        self._options = _CaseInsensitiveOptions()

    def mode(self, saveMode):
        if saveMode is None:
            return self
        key = str(saveMode).lower()
        if key not in _MODES:
            raise AnalysisException(
                "[INVALID_SAVE_MODE] The specified save mode \"%s\" is invalid. Valid save modes "
                "include \"append\", \"overwrite\", \"ignore\", \"error\", \"errorifexists\", and "
                "\"default\". SQLSTATE: 42000" % saveMode, errorClass="INVALID_SAVE_MODE")
        self._mode = _MODES[key]
        return self

    def partitionBy(self, *cols):
        raise not_supported("DataFrameWriter.partitionBy", "Kindling writes one directory of part files")

    def bucketBy(self, numBuckets, col, *cols):
        raise not_supported("DataFrameWriter.bucketBy", "Kindling has no SQL catalog")

    def sortBy(self, col, *cols):
        raise not_supported("DataFrameWriter.sortBy", "Kindling has no SQL catalog")

    def clusterBy(self, *cols):
        raise not_supported("DataFrameWriter.clusterBy", "Kindling has no SQL catalog")

    def saveAsTable(self, name, format=None, mode=None, partitionBy=None, **options):
        raise not_supported("DataFrameWriter.saveAsTable", "Kindling has no SQL catalog")

    def insertInto(self, tableName, overwrite=None):
        raise not_supported("DataFrameWriter.insertInto", "Kindling has no SQL catalog")

    def parquet(self, path, mode=None, partitionBy=None, compression=None):
        raise not_supported("DataFrameWriter.parquet", "Kindling writes only text, json and csv files")

    def orc(self, path, mode=None, partitionBy=None, compression=None):
        raise not_supported("DataFrameWriter.orc", "Kindling writes only text, json and csv files")

    def jdbc(self, *args, **kwargs):
        raise not_supported("DataFrameWriter.jdbc", "Kindling writes only text, json and csv files")

    def xml(self, *args, **kwargs):
        raise not_supported("DataFrameWriter.xml", "Kindling writes only text, json and csv files")

    def save(self, path=None, format=None, mode=None, partitionBy=None, **options):
        self.mode(mode)
        if format is not None:
            self.format(format)
        if partitionBy:
            self.partitionBy(partitionBy)
        self.options(**options)
        if path is None:
            raise not_supported("DataFrameWriter.save without a path", "Kindling writes files only")
        source = (self._format or self._df.sparkSession._sql_conf("spark.sql.sources.default")).lower()
        writers = {"text": self._write_text, "json": self._write_json, "csv": self._write_csv}
        if source not in writers:
            raise not_supported("DataFrameWriter format %r" % source, "Kindling writes only text, json and csv files")
        writers[source](path)

    def text(self, path, compression=None, lineSep=None):
        self.options(compression=compression, lineSep=lineSep)
        self._write_text(path)

    def json(self, path, mode=None, compression=None, dateFormat=None, timestampFormat=None,
             lineSep=None, encoding=None, ignoreNullFields=None):
        self.mode(mode)
        for name, value in (("dateFormat", dateFormat), ("timestampFormat", timestampFormat),
                            ("encoding", encoding)):
            if value is not None:
                raise not_supported("DataFrameWriter.json option %s" % name, "Kindling writes Spark's default format")
        self.options(compression=compression, lineSep=lineSep, ignoreNullFields=ignoreNullFields)
        self._write_json(path)

    def csv(self, path, mode=None, compression=None, sep=None, quote=None, escape=None,
            header=None, nullValue=None, escapeQuotes=None, quoteAll=None, dateFormat=None,
            timestampFormat=None, ignoreLeadingWhiteSpace=None, ignoreTrailingWhiteSpace=None,
            charToEscapeQuoteEscaping=None, encoding=None, emptyValue=None, lineSep=None):
        self.mode(mode)
        for name, value in (("dateFormat", dateFormat), ("timestampFormat", timestampFormat),
                            ("encoding", encoding), ("charToEscapeQuoteEscaping", charToEscapeQuoteEscaping)):
            if value is not None:
                raise not_supported("DataFrameWriter.csv option %s" % name, "Kindling writes Spark's default format")
        self.options(compression=compression, sep=sep, quote=quote, escape=escape, header=header,
                     nullValue=nullValue, escapeQuotes=escapeQuotes, quoteAll=quoteAll,
                     ignoreLeadingWhiteSpace=ignoreLeadingWhiteSpace,
                     ignoreTrailingWhiteSpace=ignoreTrailingWhiteSpace, emptyValue=emptyValue,
                     lineSep=lineSep)
        self._write_csv(path)

    # -- the job ---------------------------------------------------------------------------------

    def _write_text(self, path):
        schema = self._df.schema
        for field in schema.fields:
            if not isinstance(field.dataType, StringType):
                raise AnalysisException(
                    "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The Text datasource doesn't support the "
                    "column `%s` of the type \"%s\". SQLSTATE: 0A000"
                    % (field.name, field.dataType.simpleString().upper()),
                    errorClass="UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE")
        if len(schema.fields) != 1:
            raise AnalysisException(
                "Text data source supports only a single column, and you have %d columns."
                % len(schema.fields))
        self._check_options(("compression", "lineSep"), "text")
        sep = self._options.lookup("lineSep", "\n").encode("utf-8")

        def encode(row):
            value = row[0]
            return (b"" if value is None else value.encode("utf-8")) + sep

        self._run(path, ".txt", encode)

    def _write_json(self, path):
        self._check_options(("compression", "lineSep", "ignoreNullFields"), "json")
        schema = self._df.schema
        sep = self._options.lookup("lineSep", "\n").encode("utf-8")
        if self._options.lookup("ignoreNullFields", "true").lower() != "true":
            raise not_supported("DataFrameWriter.json ignoreNullFields=false", "Kindling leaves null fields out")

        def encode(row):
            return _json.row_to_json(row, schema).encode("utf-8") + sep

        self._run(path, ".json", encode)

    def _write_csv(self, path):
        known = ("compression", "sep", "delimiter", "quote", "escape", "header", "nullValue",
                 "escapeQuotes", "quoteAll", "ignoreLeadingWhiteSpace", "ignoreTrailingWhiteSpace",
                 "emptyValue", "lineSep")
        self._check_options(known, "csv")
        schema = self._df.schema
        for field in schema.fields:
            if isinstance(field.dataType, (ArrayType, MapType, StructType)):
                raise AnalysisException(
                    "[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE] The CSV datasource doesn't support the "
                    "column `%s` of the type \"%s\". SQLSTATE: 0A000"
                    % (field.name, field.dataType.simpleString().upper()),
                    errorClass="UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE")
        o = self._options.lookup
        writer = _csv.CsvWriter(
            sep=o("sep", o("delimiter", ",")), quote=o("quote", '"'), escape=o("escape", "\\"),
            null_value=o("nullValue", ""), empty_value=o("emptyValue", '""'),
            escape_quotes=o("escapeQuotes", "true").lower() == "true",
            quote_all=o("quoteAll", "false").lower() == "true",
            trim_leading=o("ignoreLeadingWhiteSpace", "true").lower() == "true",
            trim_trailing=o("ignoreTrailingWhiteSpace", "true").lower() == "true")
        sep = o("lineSep", "\n").encode("utf-8")
        types = [f.dataType for f in schema.fields]
        header = o("header", "false").lower() == "true"
        header_line = (writer.line(list(schema.names), [StringType()] * len(types)).encode("utf-8") + sep
                       if header else None)
        self._run(path, ".csv", lambda row: writer.line(row, types).encode("utf-8") + sep, header_line)

    def _check_options(self, known, source):
        for key in self._options:
            if not any(key.lower() == k.lower() for k in known):
                raise not_supported("the %s writer option %r" % (source, key), "Kindling does not implement it")

    def _run(self, path, extension, encode, header=None):
        codec = (self._options.lookup("compression") or "none").lower()
        if codec not in ("none", "uncompressed", "gzip"):
            raise not_supported("compression %r" % codec, "Kindling writes uncompressed or gzip files")
        if codec == "gzip":
            extension += ".gz"
        target = os.path.abspath(path[len("file:"):] if path.startswith("file:") else path)
        job = str(uuid.uuid4())
        out_dir = target
        if os.path.exists(target):
            if self._mode == "errorifexists":
                raise AnalysisException(
                    "[PATH_ALREADY_EXISTS] Path file:%s already exists. Set mode as \"overwrite\" to "
                    "overwrite the existing path. SQLSTATE: 42K04" % target,
                    errorClass="PATH_ALREADY_EXISTS")
            if self._mode == "ignore":
                return
            if self._mode == "overwrite":
                # The new files are made beside the old ones and replace them only when the job
                # has succeeded: the job may be reading what it overwrites (Spark allows that).
                out_dir = os.path.join(os.path.dirname(target),
                                       ".%s-%s.overwrite" % (os.path.basename(target), job))
        staging = os.path.join(out_dir, "_temporary", "0")
        os.makedirs(staging, exist_ok=True)
        gzipped = codec == "gzip"

        def task(index, rows):
            first = next(rows, None) if index != 0 else None
            if index != 0 and first is None:
                return  # Spark leaves empty partitions out, except the first
            directory = os.path.join(staging, "task_%05d" % index)
            os.makedirs(directory, exist_ok=True)
            name = "part-%05d-%s-c000%s" % (index, job, extension)
            chunks = [] if header is None else [header]
            if first is not None:
                chunks.append(encode(first))
            chunks.extend(encode(r) for r in rows)
            data = b"".join(chunks)
            if gzipped:
                data = gzip.compress(data, mtime=0)
            _write_with_crc(os.path.join(directory, name), data)
            yield index, name

        try:
            written = self._df.rdd.mapPartitionsWithIndex(task).collect()
            for index, name in sorted(written):
                directory = os.path.join(staging, "task_%05d" % index)
                for f in (name, "." + name + ".crc"):
                    os.replace(os.path.join(directory, f), os.path.join(out_dir, f))
        except BaseException:
            if out_dir != target:
                shutil.rmtree(out_dir, ignore_errors=True)
            raise
        finally:
            shutil.rmtree(os.path.join(out_dir, "_temporary"), ignore_errors=True)
        _write_with_crc(os.path.join(out_dir, "_SUCCESS"), b"")
        if out_dir != target:
            shutil.rmtree(target) if os.path.isdir(target) else os.unlink(target)
            os.replace(out_dir, target)
