package dev.kindling.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.bridge.BridgeConfig;
import dev.kindling.bridge.PythonRunner;
import dev.kindling.bridge.WorkerFactory;
import dev.kindling.bridge.WorkerKey;
import dev.kindling.engine.Engine;
import dev.kindling.engine.JobStatus;
import dev.kindling.gateway.eventlog.EventLog;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The running context the driver codes against (GW-5.2 to GW-5.7): the composition root that owns
 * one {@link Engine}, the bridge's worker factories (one per interpreter and environment), the
 * driver's scratch directory and the accumulator forwarder.
 *
 * <p>Implements GW-5.2 (local properties and job group per calling thread: the engine keeps them
 * in thread-locals, and pinned Py4J gives each Python thread its own JVM thread), GW-5.3
 * ({@link #stop()} stops workers, daemons and the engine and deletes every scratch file), GW-5.5
 * (results only through one-shot servers or files) and GW-5.7.
 */
public final class KindlingContext {
  private static final Logger LOG = Logger.getLogger(KindlingContext.class.getName());
  private static final Set<String> LOG_LEVELS =
      Set.of("ALL", "DEBUG", "ERROR", "FATAL", "INFO", "OFF", "TRACE", "WARN");

  private final ContextConf conf;
  private final BridgeConfig bridgeConfig;
  private final Engine engine;
  private final Path tempDir;
  private final Path filesDir;
  private final Map<WorkerKey, WorkerFactory> factories = new ConcurrentHashMap<>();
  private final Runnable onStop;
  private final EventLog eventLog;
  private AccumulatorForwarder accumulators;
  private final dev.kindling.gateway.ui.UiServer ui;
  private volatile boolean stopped;

  KindlingContext(ContextConf conf, Runnable onStop) {
    this.conf = conf;
    this.onStop = onStop;
    this.bridgeConfig = BridgeConfig.fromMap(conf.values);
    Path parent = Path.of(conf.values.getOrDefault("spark.local.dir", System.getProperty("java.io.tmpdir")));
    try {
      Files.createDirectories(parent);
      tempDir = Files.createTempDirectory(parent, "kindling-driver-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      filesDir = Files.createDirectory(tempDir.resolve("files"));
    } catch (IOException e) {
      throw new KindlingException("cannot create the context's temporary directory under " + parent
          + ": " + e.getMessage(), e);
    }
    try {
      this.engine = new Engine(conf.values);
    } catch (RuntimeException e) {
      FileDatasets.deleteTree(tempDir);
      throw Errors.translate("createContext", e);
    }
    try {
      this.eventLog = EventLog.startIfEnabled(engine.conf(), new EventLog.App(appName(), applicationId(), startTime(),
          sparkUser(), KindlingVersion.get(), conf.values.getOrDefault("spark.driver.host", "localhost"), conf.values));
    } catch (IOException | RuntimeException e) {
      engine.stop();
      FileDatasets.deleteTree(tempDir);
      throw new KindlingException("cannot start the event log: " + e.getMessage(), e);
    }
    if (eventLog != null) {
      engine.addListener(eventLog);
    }
    this.ui = WebUi.start(this, conf.values, engine, factories.values());
  }

  /** The web UI's address ({@code http://127.0.0.1:4040}), or null when it is off. */
  public String uiWebUrl() {
    return ui == null ? null : ui.url();
  }

  /** Finished and running jobs and stages, for {@code sc.statusTracker()}. */
  public StatusTrackerBridge statusTracker() {
    return new StatusTrackerBridge(engine);
  }

  private static String sparkUser() {
    String u = System.getenv("SPARK_USER");
    return u != null && !u.isEmpty() ? u : System.getProperty("user.name", "");
  }

  // ---- 5.2 context

  public Map<String, String> conf() {
    return conf.values;
  }

  public String master() {
    return conf.values.get(ContextConf.MASTER);
  }

  public String appName() {
    return conf.values.get(ContextConf.APP_NAME);
  }

  public String applicationId() {
    return conf.values.get(ContextConf.APP_ID);
  }

  public int defaultParallelism() {
    return conf.parallelism;
  }

  public long startTime() {
    try {
      return Long.parseLong(conf.values.get(ContextConf.START_TIME));
    } catch (NumberFormatException e) {
      return 0L;
    }
  }

  public String tempDir() {
    return tempDir.toString();
  }

  public boolean isStopped() {
    return stopped;
  }

  /** Stops jobs, workers and the engine, deletes the scratch directory; idempotent. */
  public void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    // Workers first: a running task then fails at once instead of holding up the engine's stop,
    // and no new worker starts because stopped is already set.
    for (WorkerFactory f : factories.values()) {
      try {
        f.close();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "stopping Python workers: " + e.getMessage(), e);
      }
    }
    factories.clear();
    if (ui != null) {
      ui.close();
    }
    try {
      engine.stop();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "stopping the engine: " + e.getMessage(), e);
    }
    if (eventLog != null) {
      // After the engine's stop its event bus has delivered every event: the end goes last.
      eventLog.stop(System.currentTimeMillis(), 0);
    }
    synchronized (this) {
      if (accumulators != null) {
        accumulators.close();
      }
    }
    FileDatasets.deleteTree(tempDir);
    onStop.run();
  }

  public void setLogLevel(String level) {
    String l = level == null ? "" : level.trim().toUpperCase(Locale.ROOT);
    if (!LOG_LEVELS.contains(l)) {
      throw new KindlingException("unknown log level '" + level
          + "'; use one of ALL, DEBUG, ERROR, FATAL, INFO, OFF, TRACE, WARN");
    }
    Level jul = switch (l) {
      case "ALL", "TRACE" -> Level.ALL;
      case "DEBUG" -> Level.FINE;
      case "INFO" -> Level.INFO;
      case "WARN" -> Level.WARNING;
      case "ERROR", "FATAL" -> Level.SEVERE;
      default -> Level.OFF;
    };
    Logger.getLogger("dev.kindling").setLevel(jul);
  }

  public void setLocalProperty(String key, String value) {
    engine.setLocalProperty(key, value);
  }

  public String getLocalProperty(String key) {
    return engine.getLocalProperty(key);
  }

  public void setJobGroup(String groupId, String description, boolean interruptOnCancel) {
    engine.setJobGroup(groupId, description, interruptOnCancel);
  }

  public void clearJobGroup() {
    engine.clearJobGroup();
  }

  public void setJobDescription(String description) {
    engine.setLocalProperty(Engine.JOB_DESCRIPTION, description);
  }

  public void cancelJobGroup(String groupId) {
    engine.cancelJobGroup(groupId);
  }

  public void cancelAllJobs() {
    engine.cancelAllJobs();
  }

  /** Copies {@code path} (a directory only with {@code recursive}) into the SparkFiles root. */
  public void addFile(String path, boolean recursive) {
    checkRunning();
    Errors.call("addFile", () -> {
      String p = path.startsWith("file:") ? path.substring("file:".length()).replaceFirst("^//", "") : path;
      Path src = Path.of(p).toAbsolutePath();
      Path dst = filesDir.resolve(src.getFileName().toString());
      if (Files.isDirectory(src)) {
        if (!recursive) {
          throw new KindlingException("addFile does not support local directories when not running "
              + "locally recursively: " + src);
        }
        try (Stream<Path> s = Files.walk(src)) {
          for (Path q : (Iterable<Path>) s::iterator) {
            Path t = dst.resolve(src.relativize(q).toString());
            if (Files.isDirectory(q)) {
              Files.createDirectories(t);
            } else {
              Files.copy(q, t, StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
      } else if (Files.isRegularFile(src)) {
        Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
      } else {
        throw new KindlingException("addFile: no such file " + src);
      }
      return null;
    });
  }

  public String sparkFilesRootDir() {
    return filesDir.toString();
  }

  /** GW-5.7: from now on each successful task's updates go to this server (WRK-10.4). */
  public synchronized void setAccumulatorServer(int port, String secret) {
    checkRunning();
    if (accumulators != null) {
      engine.removeAccumulatorListener(accumulators);
      accumulators.close();
    }
    accumulators = new AccumulatorForwarder(port, secret,
        (int) bridgeConfig.authSocketTimeout().toMillis());
    engine.addAccumulatorListener(accumulators);
  }

  public String statusJson() {
    List<Map<String, Object>> jobs = new ArrayList<>();
    List<Map<String, Object>> stages = new ArrayList<>();
    for (JobStatus j : engine.activeJobs()) {
      List<Integer> ids = new ArrayList<>();
      for (JobStatus.StageStatus s : j.stages()) {
        ids.add(s.stageId());
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("stageId", s.stageId());
        st.put("name", s.name());
        st.put("numTasks", s.numTasks());
        st.put("numActiveTasks", s.numActiveTasks());
        st.put("numCompletedTasks", s.numCompletedTasks());
        st.put("numFailedTasks", s.numFailedTasks());
        stages.add(st);
      }
      Map<String, Object> job = new LinkedHashMap<>();
      job.put("jobId", j.jobId());
      job.put("status", "RUNNING");
      job.put("stageIds", ids);
      jobs.add(job);
    }
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("jobs", jobs);
    all.put("stages", stages);
    return Errors.call("statusJson", () -> new ObjectMapper().writeValueAsString(all));
  }

  // ---- 5.3 datasets

  public Dataset parallelizeFile(String path, int numSlices) {
    checkRunning();
    return wrap(Errors.call("parallelizeFile",
        () -> engine.parallelizeFromFile(Path.of(path), numSlices)), Dataset.BYTES, "parallelizeFile");
  }

  public List<Object> parallelizeServer(int numSlices) {
    checkRunning();
    dev.kindling.engine.ServeHandle<dev.kindling.engine.Dataset> info =
        Errors.call("parallelizeServer", () -> engine.serveParallelize(numSlices));
    return ServeHandle.of(info, "parallelizeServer",
        ds -> wrap((dev.kindling.engine.Dataset) ds, Dataset.BYTES, "parallelizeServer"));
  }

  public Dataset textFile(String path, int minPartitions) {
    checkRunning();
    return wrap(Errors.call("textFile", () -> engine.textFile(path, minPartitions)), Dataset.STRING,
        "textFile at " + path);
  }

  public Dataset wholeTextFiles(String path, int minPartitions) {
    checkRunning();
    return wrap(Errors.call("wholeTextFiles",
        () -> FileDatasets.wholeTextFiles(engine, path, minPartitions)), Dataset.STRING_PAIR,
        "wholeTextFiles at " + path);
  }

  public Dataset emptyDataset() {
    checkRunning();
    return wrap(engine.emptyDataset(), Dataset.BYTES, "emptyDataset");
  }

  public Dataset pythonDataset(Dataset parent, byte[] command, Map<String, String> env,
      List<String> includes, String pythonExec, String pythonVer, List<Long> broadcastIds,
      boolean preservesPartitioning) {
    checkRunning();
    if (parent == null || command == null) {
      throw new KindlingException("pythonDataset needs a parent dataset and a command");
    }
    WorkerKey key = WorkerKey.of(pythonExec == null || pythonExec.isBlank() ? "python3" : pythonExec,
        env == null ? Map.of() : env, bridgeConfig);
    Set<Long> ids = new HashSet<>();
    if (broadcastIds != null) {
      for (Object id : broadcastIds) {
        ids.add(((Number) id).longValue());
      }
    }
    PythonFunction f = new PythonFunction(() -> runnerFor(key), command,
        includes == null ? List.of() : includes, pythonVer == null ? "3" : pythonVer, ids,
        filesDir.toString());
    return new Dataset(Errors.call("pythonDataset", () -> parent.engine.mapPartitions(f, preservesPartitioning)),
        Dataset.BYTES, "pythonDataset", List.of(parent), false);
  }

  private PythonRunner runnerFor(WorkerKey key) {
    checkRunning();
    return new PythonRunner(factories.computeIfAbsent(key, k -> new WorkerFactory(k, bridgeConfig)));
  }

  public Dataset partitionBy(Dataset keyed, int numPartitions, long partitionFuncId) {
    checkRunning();
    return new Dataset(Errors.call("partitionBy",
        () -> keyed.engine.pairwise().partitionBy(numPartitions, partitionFuncId).values()),
        Dataset.BYTES, "partitionBy", List.of(keyed), true);
  }

  public Dataset union(List<Dataset> parts) {
    checkRunning();
    if (parts == null || parts.isEmpty()) {
      return emptyDataset();
    }
    List<dev.kindling.engine.Dataset> engines = new ArrayList<>();
    String kind = parts.get(0).elementKind();
    for (Dataset d : parts) {
      engines.add(d.engine);
      if (!d.elementKind().equals(kind)) {
        kind = Dataset.BYTES;
      }
    }
    return new Dataset(Errors.call("union", () -> engine.union(engines)), kind, "union", parts, false);
  }

  public Dataset coalesce(Dataset ds, int numPartitions) {
    checkRunning();
    return new Dataset(Errors.call("coalesce", () -> ds.engine.coalesce(numPartitions)),
        ds.elementKind(), "coalesce", List.of(ds), false);
  }

  public Dataset pickleFile(String path, int minPartitions) {
    checkRunning();
    return wrap(Errors.call("pickleFile", () -> FileDatasets.pickleFile(engine, path, minPartitions)),
        Dataset.BYTES, "pickleFile at " + path);
  }

  // ---- 5.4 actions

  public List<Object> collectAndServe(Dataset ds) {
    checkRunning();
    return serve("collectAndServe", () -> ds.engine.serveCollect());
  }

  public List<Object> runJobAndServe(Dataset ds, List<Integer> partitions) {
    checkRunning();
    int[] ps = new int[partitions.size()];
    for (int i = 0; i < ps.length; i++) {
      ps[i] = ((Number) (Object) partitions.get(i)).intValue();
    }
    return serve("runJobAndServe", () -> engine.serveRunJob(ds.engine, ps));
  }

  public List<Object> toLocalIteratorAndServe(Dataset ds) {
    checkRunning();
    return serve("toLocalIteratorAndServe", () -> ds.engine.serveToLocalIterator());
  }

  public void saveAsTextFile(Dataset ds, String path, String codec) {
    checkRunning();
    Errors.call("saveAsTextFile", () -> {
      ds.engine.saveAsTextFile(path, codec);
      return null;
    });
  }

  public void saveAsPickleFile(Dataset ds, String path) {
    checkRunning();
    Errors.call("saveAsPickleFile", () -> {
      FileDatasets.saveAsPickleFile(ds.engine, path);
      return null;
    });
  }

  // ---- 5.5 broadcasts

  public long registerBroadcast(String path) {
    checkRunning();
    return Errors.call("registerBroadcast", () -> engine.registerBroadcast(Path.of(path)));
  }

  public void unpersistBroadcast(long id) {
    Errors.call("unpersistBroadcast", () -> {
      engine.unpersistBroadcast(id);
      return null;
    });
  }

  public void destroyBroadcast(long id) {
    Errors.call("destroyBroadcast", () -> {
      engine.destroyBroadcast(id);
      return null;
    });
  }

  // ---- helpers

  private List<Object> serve(String what, Errors.IoAction<dev.kindling.engine.ServeHandle<?>> start) {
    dev.kindling.engine.ServeHandle<?> info = Errors.call(what, start);
    return ServeHandle.of(info, what, Function.identity());
  }

  private Dataset wrap(dev.kindling.engine.Dataset ds, String kind, String operation) {
    return new Dataset(ds, kind, operation, List.of(), false);
  }

  private void checkRunning() {
    if (stopped) {
      throw new KindlingException("the context has been stopped");
    }
  }

  Engine engine() {
    return engine;
  }

  int workerFactoryCount() {
    return factories.size();
  }
}
