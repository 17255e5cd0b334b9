package dev.kindling.gateway.eventlog;

import dev.kindling.engine.conf.EngineConf;
import dev.kindling.engine.status.EngineEvent;
import dev.kindling.engine.status.EngineListener;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes the application's events as Spark's JSON event log ({@code spark.eventLog.enabled}):
 * the opening events (log start, resource profile, the driver as executor and block manager,
 * environment, application start) when created, then every engine event as it arrives on the
 * event bus, and the application end at {@link #stop}. Apache Spark's History Server reads the
 * result; {@code fidelity/eventlog/history_server_check.py} proves it.
 *
 * <p>An I/O error stops the log (reported once on stderr), never the application, as in Spark.
 */
public final class EventLog implements EngineListener {
  /** Spark's default spark.redaction.regex: such keys' values never reach the log. */
  private static final Pattern REDACT = Pattern.compile("(?i)secret|password|token|access[.]?key");
  private static final String REDACTED = "*********(redacted)";

  /** What the log says about the application. */
  public record App(String name, String id, long startTime, String user, String sparkVersion, String host,
      Map<String, String> sparkProperties) {}

  private final EventLogFiles files;
  private final String host;
  private final Map<Integer, Map<String, String>> jobProperties = new HashMap<>();
  private final Map<Long, EngineEvent.StageSubmitted> submitted = new HashMap<>();
  private final Set<Integer> mapStages = new HashSet<>();
  private boolean failed;
  private boolean stopped;

  private EventLog(EventLogFiles files, String host) {
    this.files = files;
    this.host = host;
  }

  /** Starts the log if {@code spark.eventLog.enabled}; null otherwise. Bad settings throw naming the key. */
  public static EventLog startIfEnabled(EngineConf conf, App app) throws IOException {
    EventLogConf c = EventLogConf.parse(conf);
    if (c == null) {
      return null;
    }
    EventLog log = new EventLog(new EventLogFiles(c, app.id()), app.host());
    log.writeOpening(conf, app);
    return log;
  }

  /** The event log's directory (rolling, Spark 4's default) or file. */
  public Path logPath() {
    return files.logPath();
  }

  private synchronized void writeOpening(EngineConf conf, App app) throws IOException {
    long now = System.currentTimeMillis();
    files.writeLine(SparkEventJson.logStart(app.sparkVersion()));
    files.writeLine(SparkEventJson.resourceProfileAdded(
        Integer.parseInt(conf.get("spark.executor.cores", "1").trim()),
        conf.bytes("spark.executor.memory", 1L << 30) >> 20, conf.taskCpus()));
    files.writeLine(SparkEventJson.executorAdded(now, app.host(), conf.slots()));
    int port;
    try {
      port = Integer.parseInt(conf.get("spark.blockManager.port", "1").trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("spark.blockManager.port: not a number: " + conf.get("spark.blockManager.port", ""), e);
    }
    files.writeLine(SparkEventJson.blockManagerAdded(now, app.host(), port > 0 ? port : 1, conf.storageMemoryBytes()));
    Map<String, String> jvm = new LinkedHashMap<>();
    jvm.put("Java Home", System.getProperty("java.home"));
    jvm.put("Java Version", System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
    Map<String, String> system = new TreeMap<>();
    System.getProperties().forEach((k, v) -> system.put(String.valueOf(k), String.valueOf(v)));
    Map<String, String> classpath = new LinkedHashMap<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isEmpty()) {
        classpath.put(entry, "System Classpath");
      }
    }
    files.writeLine(SparkEventJson.environmentUpdate(jvm, redact(app.sparkProperties()), redact(system), classpath));
    files.writeLine(SparkEventJson.applicationStart(app.name(), app.id(), app.startTime(), app.user()));
    files.flush();
  }

  static Map<String, String> redact(Map<String, String> in) {
    Map<String, String> out = new TreeMap<>();
    in.forEach((k, v) -> out.put(k, REDACT.matcher(k).find() ? REDACTED : v));
    return out;
  }

  private static long key(int stageId, int attempt) {
    return ((long) stageId << 32) | attempt;
  }

  @Override
  public synchronized void onEvent(EngineEvent event) {
    if (failed || stopped) {
      return;
    }
    try {
      if (event instanceof EngineEvent.JobStart e) {
        jobProperties.put(e.jobId(), e.properties());
        e.stages().forEach(s -> mapStages.addAll(s.parentIds()));
        write(SparkEventJson.jobStart(e), true);
      } else if (event instanceof EngineEvent.StageSubmitted e) {
        submitted.put(key(e.stageId(), e.attempt()), e);
        write(SparkEventJson.stageSubmitted(e, jobProperties.getOrDefault(e.jobId(), Map.of())), false);
      } else if (event instanceof EngineEvent.TaskStart e) {
        write(SparkEventJson.taskStart(e, host), false);
      } else if (event instanceof EngineEvent.TaskEnd e) {
        write(SparkEventJson.taskEnd(e, mapStages.contains(e.stageId()), host), false);
      } else if (event instanceof EngineEvent.StageCompleted e) {
        EngineEvent.StageSubmitted s = submitted.remove(key(e.stageId(), e.attempt()));
        if (s != null) {
          write(SparkEventJson.stageCompleted(s, e), true);
        }
      } else if (event instanceof EngineEvent.JobEnd e) {
        jobProperties.remove(e.jobId());
        write(SparkEventJson.jobEnd(e), true);
      }
    } catch (IOException | RuntimeException e) {
      failed = true;
      System.err.println("kindling: event log " + files.logPath() + " stopped: " + e);
    }
  }

  private void write(String line, boolean flush) throws IOException {
    files.writeLine(line);
    if (flush) {
      files.flush();
    }
  }

  /**
   * Writes the application end and renames the log to its final name. Call after the engine
   * stopped (its event bus delivered everything). Idempotent.
   */
  public synchronized void stop(long timeMillis, int exitCode) {
    if (stopped) {
      return;
    }
    stopped = true;
    try {
      if (!failed) {
        files.writeLine(SparkEventJson.applicationEnd(timeMillis, exitCode));
      }
      files.stop();
    } catch (IOException | RuntimeException e) {
      System.err.println("kindling: closing event log " + files.logPath() + " failed: " + e);
    }
  }
}
