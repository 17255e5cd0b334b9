"""GENERATED from protocol-spec/constants.json by protocol-spec/tools/gen_constants.py; do not edit."""


class SpecialLengths:
    """constants.json: ``specialLengths``."""

    END_OF_DATA_SECTION = -1
    PYTHON_EXCEPTION_THROWN = -2
    TIMING_DATA = -3
    END_OF_STREAM = -4
    NULL = -5
    START_ARROW_STREAM = -6
    END_OF_MICRO_BATCH = -7


class MessageIds:
    """constants.json: ``messageIds``."""

    START_OF_INIT_MESSAGE = -8


class EvalTypes:
    """constants.json: ``evalTypes``."""

    NON_UDF = 0
    SQL_BATCHED_UDF = 100
    SQL_ARROW_BATCHED_UDF = 101
    SQL_SCALAR_PANDAS_UDF = 200
    SQL_GROUPED_MAP_PANDAS_UDF = 201
    SQL_GROUPED_AGG_PANDAS_UDF = 202
    SQL_WINDOW_AGG_PANDAS_UDF = 203
    SQL_SCALAR_PANDAS_ITER_UDF = 204
    SQL_MAP_PANDAS_ITER_UDF = 205
    SQL_COGROUPED_MAP_PANDAS_UDF = 206
    SQL_MAP_ARROW_ITER_UDF = 207
    SQL_GROUPED_MAP_PANDAS_UDF_WITH_STATE = 208
    SQL_TABLE_UDF = 300
    SQL_ARROW_TABLE_UDF = 301


class AuthReplies:
    """constants.json: ``authReplies``."""

    OK = "ok"
    ERR = "err"


class Env:
    """constants.json: ``env``."""

    DRIVER_CONN_INFO_PATH = "_PYSPARK_DRIVER_CONN_INFO_PATH"
    GATEWAY_PORT = "PYSPARK_GATEWAY_PORT"
    GATEWAY_SECRET = "PYSPARK_GATEWAY_SECRET"
    PIN_THREAD = "PYSPARK_PIN_THREAD"
    WORKER_FACTORY_PORT = "PYTHON_WORKER_FACTORY_PORT"
    WORKER_FACTORY_SECRET = "PYTHON_WORKER_FACTORY_SECRET"
    REUSE_WORKER = "SPARK_REUSE_WORKER"
    AUTH_SOCKET_TIMEOUT = "SPARK_AUTH_SOCKET_TIMEOUT"
    BUFFER_SIZE = "SPARK_BUFFER_SIZE"
    PYTHON_UNBUFFERED = "PYTHONUNBUFFERED"
    PYTHON_HASH_SEED = "PYTHONHASHSEED"
    PYTHON_RUNTIME = "SPARK_PYTHON_RUNTIME"
    HIDE_TRACEBACK = "SPARK_HIDE_TRACEBACK"
    SIMPLIFIED_TRACEBACK = "SPARK_SIMPLIFIED_TRACEBACK"
    LOCAL_DIRS = "SPARK_LOCAL_DIRS"
    PREFER_IPV6 = "SPARK_PREFER_IPV6"
    EXECUTOR_MEMORY_MB = "PYSPARK_EXECUTOR_MEMORY_MB"
    FAULTHANDLER_DIR = "PYTHON_FAULTHANDLER_DIR"
    KINDLING_PROFILE = "KINDLING_PROTOCOL_PROFILE"


class Defaults:
    """constants.json: ``defaults``."""

    AUTH_SOCKET_TIMEOUT_SECONDS = 15
    AUTH_READ_TIMEOUT_MILLIS = 10000
    BUFFER_SIZE = 65536
    WORKER_CONNECT_TIMEOUT_MILLIS = 10000
    DAEMON_PORT_TIMEOUT_MILLIS = 10000
    DAEMON_PID_TIMEOUT_MILLIS = 10000
    TASK_KILL_TIMEOUT_MILLIS = 2000
    IDLE_WORKER_TIMEOUT_MILLIS = 60000
    CONN_INFO_WAIT_MILLIS = 60000
    AUTO_BATCH_BEST_SIZE = 65536
    PARALLELIZE_DEFAULT_BATCH_SIZE = 1024
    UDF_COMPRESSION_THRESHOLD_BYTES = 1048576
    SECRET_BYTES = 32
    PROFILE = "spark-4.2"


class Limits:
    """constants.json: ``limits``."""

    MAX_SECRET_BYTES = 1024
    MAX_AUTH_REPLY_BYTES = 16
    MAX_FRAME_BYTES = 536870912
    MAX_HEADER_COUNT = 10000
    MAX_HEADER_STRING_BYTES = 16777216
    MAX_CONF_ENTRIES = 10000
    MAX_ACCUMULATOR_UPDATES = 1000000
    MAX_INIT_MESSAGE_BYTES = 67108864
    MAX_GATEWAY_LINE_BYTES = 65536
    MAX_PENDING_AUTH_CONNECTIONS = 8
    MAX_PENDING_GATEWAY_HANDSHAKES = 64


PROFILES = {'spark-3.5': {'timingLongs': 3, 'taskContext': 'binary-3.5', 'confMaps': False, 'cpuAmount': False, 'initMessage': False, 'aliases': ['spark-4.0']}, 'spark-4.1': {'timingLongs': 3, 'taskContext': 'binary-4.1', 'confMaps': False, 'cpuAmount': False, 'initMessage': False, 'aliases': []}, 'spark-4.2': {'timingLongs': 4, 'taskContext': 'json', 'confMaps': True, 'cpuAmount': False, 'initMessage': False, 'aliases': []}, 'spark-4.3': {'timingLongs': 4, 'taskContext': 'json', 'confMaps': True, 'cpuAmount': True, 'initMessage': True, 'aliases': []}}
