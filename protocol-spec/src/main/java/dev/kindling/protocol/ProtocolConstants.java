package dev.kindling.protocol;

/** GENERATED from protocol-spec/constants.json by protocol-spec/tools/gen_constants.py; do not edit. */
public final class ProtocolConstants {
  private ProtocolConstants() {}

  /** constants.json: {@code specialLengths}. */
  public static final class SpecialLengths {
    private SpecialLengths() {}
    public static final int END_OF_DATA_SECTION = -1;
    public static final int PYTHON_EXCEPTION_THROWN = -2;
    public static final int TIMING_DATA = -3;
    public static final int END_OF_STREAM = -4;
    public static final int NULL = -5;
    public static final int START_ARROW_STREAM = -6;
    public static final int END_OF_MICRO_BATCH = -7;
  }

  /** constants.json: {@code messageIds}. */
  public static final class MessageIds {
    private MessageIds() {}
    public static final int START_OF_INIT_MESSAGE = -8;
  }

  /** constants.json: {@code evalTypes}. */
  public static final class EvalTypes {
    private EvalTypes() {}
    public static final int NON_UDF = 0;
    public static final int SQL_BATCHED_UDF = 100;
    public static final int SQL_ARROW_BATCHED_UDF = 101;
    public static final int SQL_SCALAR_PANDAS_UDF = 200;
    public static final int SQL_GROUPED_MAP_PANDAS_UDF = 201;
    public static final int SQL_GROUPED_AGG_PANDAS_UDF = 202;
    public static final int SQL_WINDOW_AGG_PANDAS_UDF = 203;
    public static final int SQL_SCALAR_PANDAS_ITER_UDF = 204;
    public static final int SQL_MAP_PANDAS_ITER_UDF = 205;
    public static final int SQL_COGROUPED_MAP_PANDAS_UDF = 206;
    public static final int SQL_MAP_ARROW_ITER_UDF = 207;
    public static final int SQL_GROUPED_MAP_PANDAS_UDF_WITH_STATE = 208;
    public static final int SQL_TABLE_UDF = 300;
    public static final int SQL_ARROW_TABLE_UDF = 301;
  }

  /** constants.json: {@code authReplies}. */
  public static final class AuthReplies {
    private AuthReplies() {}
    public static final String OK = "ok";
    public static final String ERR = "err";
  }

  /** constants.json: {@code env}. */
  public static final class Env {
    private Env() {}
    public static final String DRIVER_CONN_INFO_PATH = "_PYSPARK_DRIVER_CONN_INFO_PATH";
    public static final String GATEWAY_PORT = "PYSPARK_GATEWAY_PORT";
    public static final String GATEWAY_SECRET = "PYSPARK_GATEWAY_SECRET";
    public static final String PIN_THREAD = "PYSPARK_PIN_THREAD";
    public static final String WORKER_FACTORY_PORT = "PYTHON_WORKER_FACTORY_PORT";
    public static final String WORKER_FACTORY_SECRET = "PYTHON_WORKER_FACTORY_SECRET";
    public static final String REUSE_WORKER = "SPARK_REUSE_WORKER";
    public static final String AUTH_SOCKET_TIMEOUT = "SPARK_AUTH_SOCKET_TIMEOUT";
    public static final String BUFFER_SIZE = "SPARK_BUFFER_SIZE";
    public static final String PYTHON_UNBUFFERED = "PYTHONUNBUFFERED";
    public static final String PYTHON_HASH_SEED = "PYTHONHASHSEED";
    public static final String PYTHON_RUNTIME = "SPARK_PYTHON_RUNTIME";
    public static final String HIDE_TRACEBACK = "SPARK_HIDE_TRACEBACK";
    public static final String SIMPLIFIED_TRACEBACK = "SPARK_SIMPLIFIED_TRACEBACK";
    public static final String LOCAL_DIRS = "SPARK_LOCAL_DIRS";
    public static final String PREFER_IPV6 = "SPARK_PREFER_IPV6";
    public static final String EXECUTOR_MEMORY_MB = "PYSPARK_EXECUTOR_MEMORY_MB";
    public static final String FAULTHANDLER_DIR = "PYTHON_FAULTHANDLER_DIR";
    public static final String KINDLING_PROFILE = "KINDLING_PROTOCOL_PROFILE";
  }

  /** constants.json: {@code defaults}. */
  public static final class Defaults {
    private Defaults() {}
    public static final int AUTH_SOCKET_TIMEOUT_SECONDS = 15;
    public static final int AUTH_READ_TIMEOUT_MILLIS = 10000;
    public static final int BUFFER_SIZE = 65536;
    public static final int WORKER_CONNECT_TIMEOUT_MILLIS = 10000;
    public static final int DAEMON_PORT_TIMEOUT_MILLIS = 10000;
    public static final int DAEMON_PID_TIMEOUT_MILLIS = 10000;
    public static final int TASK_KILL_TIMEOUT_MILLIS = 2000;
    public static final int IDLE_WORKER_TIMEOUT_MILLIS = 60000;
    public static final int CONN_INFO_WAIT_MILLIS = 60000;
    public static final int AUTO_BATCH_BEST_SIZE = 65536;
    public static final int PARALLELIZE_DEFAULT_BATCH_SIZE = 1024;
    public static final int UDF_COMPRESSION_THRESHOLD_BYTES = 1048576;
    public static final int SECRET_BYTES = 32;
    public static final String PROFILE = "spark-4.2";
  }

  /** constants.json: {@code limits}. */
  public static final class Limits {
    private Limits() {}
    public static final int MAX_SECRET_BYTES = 1024;
    public static final int MAX_AUTH_REPLY_BYTES = 16;
    public static final int MAX_FRAME_BYTES = 536870912;
    public static final int MAX_HEADER_COUNT = 10000;
    public static final int MAX_HEADER_STRING_BYTES = 16777216;
    public static final int MAX_CONF_ENTRIES = 10000;
    public static final int MAX_ACCUMULATOR_UPDATES = 1000000;
    public static final int MAX_INIT_MESSAGE_BYTES = 67108864;
    public static final int MAX_GATEWAY_LINE_BYTES = 65536;
    public static final int MAX_PENDING_AUTH_CONNECTIONS = 8;
    public static final int MAX_PENDING_GATEWAY_HANDSHAKES = 64;
  }
}
