package dev.kindling.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.bridge.BridgeConfig;
import dev.kindling.bridge.PythonRunner;
import dev.kindling.bridge.WorkerFactories;
import dev.kindling.bridge.WorkerKey;
import dev.kindling.engine.Engine;
import dev.kindling.engine.storage.ScratchDirs;
import dev.kindling.engine.status.JobStatus;
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
import java.util.concurrent.atomic.AtomicBoolean;
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
  /**
   * The bridge's worker factories of each executor (local-cluster has several), as each Spark
   * executor's SparkEnv keeps its own pythonWorkers: one pool per interpreter/environment there.
   */
  private final Map<String, WorkerFactories> executors = new ConcurrentHashMap<>();
  private final Map<String, Long> archives = new LinkedHashMap<>();
  private final Runnable onStop;
  private final EventLog eventLog;
  private AccumulatorForwarder accumulators;
  private final dev.kindling.gateway.ui.UiServer ui;
  private final AtomicBoolean stopped = new AtomicBoolean();

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
      ScratchDirs.markOwned(tempDir); // swept by a later JVM if this one is killed
    } catch (IOException e) {
      throw new KindlingException("cannot create the context's temporary directory under " + parent
          + ": " + e.getMessage(), e);
    }
    try {
      this.engine = new Engine(conf.values);
    } catch (RuntimeException e) {
      ScratchDirs.delete(tempDir);
      throw Errors.translate("createContext", e);
    }
    try {
      this.eventLog = EventLog.startIfEnabled(engine.conf(), new EventLog.App(appName(), applicationId(), startTime(),
          sparkUser(), KindlingVersion.get(), conf.values.getOrDefault("spark.driver.host", "localhost"), conf.values));
    } catch (IOException | RuntimeException e) {
      engine.stop();
      ScratchDirs.delete(tempDir);
      throw new KindlingException("cannot start the event log: " + e.getMessage(), e);
    }
    if (eventLog != null) {
      engine.addListener(eventLog);
    }
    this.ui = WebUi.start(this, conf.values, engine, () -> {
      List<Long> pids = new ArrayList<>();
      executors.values().forEach(w -> pids.addAll(w.daemonPids()));
      return pids;
    });
  }

  private static String sparkUser() {
    String u = System.getenv("SPARK_USER");
    return u != null && !u.isEmpty() ? u : System.getProperty("user.name", "");
  }

  /** The web UI's address ({@code http://127.0.0.1:4040}), or null when it is off. */
  public String uiWebUrl() {
    return ui == null ? null : ui.url();
  }

  /** Finished and running jobs and stages, for {@code sc.statusTracker()}. */
  public StatusTrackerBridge statusTracker() {
    return new StatusTrackerBridge(engine);
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

  /** The engine's scratch directory, so a driver that sees this JVM die can remove it. */
  public String localDir() {
    return engine.localDir().toString();
  }

  public boolean isStopped() {
    return stopped.get();
  }

  /** Stops jobs, workers and the engine, deletes the scratch directory; idempotent. */
  public void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    // Workers first: a running task then fails at once instead of holding up the engine's stop,
    // and no new worker starts because stopped is already set.
    for (WorkerFactories w : executors.values()) {
      try {
        w.close();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "stopping Python workers: " + e.getMessage(), e);
      }
    }
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
    ScratchDirs.delete(tempDir);
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

  /** A copy of the calling thread's properties (InheritableThread takes it when it starts). */
  public Map<String, String> getLocalProperties() {
    return engine.localProperties();
  }

  /** The calling thread's properties become a copy of {@code properties}. */
  public void setLocalProperties(Map<String, String> properties) {
    engine.setLocalProperties(properties);
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

  // Spark 4 job tags, per calling thread (pinned Py4J threads: per Python thread).

  public void addJobTag(String tag) {
    engine.addJobTag(tag);
  }

  public void removeJobTag(String tag) {
    engine.removeJobTag(tag);
  }

  public List<String> getJobTags() {
    return new ArrayList<>(engine.getJobTags());
  }

  public void clearJobTags() {
    engine.clearJobTags();
  }

  public void cancelJobsWithTag(String tag) {
    checkRunning();
    engine.cancelJobsWithTag(tag);
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

  /**
   * Spark's {@code addArchive}: unpacks {@code path} ({@code .zip}, {@code .jar}, {@code .tar.gz},
   * {@code .tgz}, {@code .tar}) into the SparkFiles root, under the URI fragment ({@code #alias})
   * or else the archive's file name; an archive already added is not unpacked again.
   */
  public synchronized void addArchive(String path) {
    checkRunning();
    Errors.call("addArchive", () -> {
      java.net.URI uri = archiveUri(path);
      String key = uri.toString();
      if (archives.containsKey(key)) {
        LOG.warning("The path " + path + " has been added already. Overwriting of added paths is not supported.");
        return null;
      }
      Path source = Path.of(uri.getPath());
      if (!Files.isRegularFile(source)) {
        throw new java.nio.file.NoSuchFileException(source.toString());
      }
      String dirName = uri.getFragment() != null ? uri.getFragment() : source.getFileName().toString();
      Path dest = filesDir.resolve(dirName).normalize();
      if (!dest.getParent().equals(filesDir.normalize())) {
        throw new KindlingException("addArchive: bad directory name '" + dirName + "' in " + path);
      }
      ScratchDirs.delete(dest);
      Archives.unpack(source, dest);
      archives.put(key, System.currentTimeMillis());
      return null;
    });
  }

  /** The archives added so far, as Spark lists them ({@code file:/abs/path[#alias]}). */
  public synchronized List<String> listArchives() {
    return new ArrayList<>(archives.keySet());
  }

  /** Spark's Utils.resolveURI for a local path: absolute {@code file:} URI, fragment kept. */
  private static java.net.URI archiveUri(String path) throws java.net.URISyntaxException {
    java.net.URI uri = new java.net.URI(path);
    if (uri.getScheme() != null) {
      if (!"file".equals(uri.getScheme())) {
        throw new KindlingException("addArchive: Kindling reads local files only, not " + path);
      }
      // Spark lists file:///x as file:/x
      return new java.net.URI("file", null, uri.getPath(), uri.getFragment());
    }
    java.net.URI abs = Path.of(uri.getPath()).toAbsolutePath().normalize().toUri();
    return new java.net.URI("file", null, abs.getPath(), uri.getFragment());
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

  public DriverDataset parallelizeFile(String path, int numSlices) {
    checkRunning();
    return wrap(Errors.call("parallelizeFile",
        () -> engine.parallelizeFromFile(Path.of(path), numSlices)), DriverDataset.BYTES, "parallelizeFile");
  }

  public List<Object> parallelizeServer(int numSlices) {
    checkRunning();
    dev.kindling.engine.serve.ServeHandle<dev.kindling.engine.dataset.Dataset> info =
        Errors.call("parallelizeServer", () -> engine.serveParallelize(numSlices));
    return DriverServeHandle.of(info, "parallelizeServer",
        ds -> wrap((dev.kindling.engine.dataset.Dataset) ds, DriverDataset.BYTES, "parallelizeServer"));
  }

  public DriverDataset textFile(String path, int minPartitions) {
    checkRunning();
    return wrap(Errors.call("textFile", () -> engine.textFile(path, minPartitions)), DriverDataset.STRING,
        "textFile at " + path);
  }

  public DriverDataset wholeTextFiles(String path, int minPartitions) {
    checkRunning();
    return wrap(Errors.call("wholeTextFiles",
        () -> engine.wholeTextFiles(path, minPartitions)), DriverDataset.STRING_PAIR,
        "wholeTextFiles at " + path);
  }

  public DriverDataset emptyDataset() {
    checkRunning();
    return wrap(engine.emptyDataset(), DriverDataset.BYTES, "emptyDataset");
  }

  public DriverDataset pythonDataset(DriverDataset parent, byte[] command, Map<String, String> env,
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
    return new DriverDataset(Errors.call("pythonDataset", () -> parent.engine.mapPartitions(f, preservesPartitioning)),
        DriverDataset.BYTES, "pythonDataset", List.of(parent), false);
  }

  /**
   * Starts the Python daemon for {@code (pythonExec, env)} on a background thread, so that the
   * first job finds it running instead of waiting for an interpreter (issue 16); the driver calls
   * it while it still has its own start-up to do. Local mode with daemon-forked workers only. A
   * daemon that cannot start is left for the first task to report, as without this call;
   * {@link #stop()} stops it like any other.
   */
  public void prestartPythonWorkers(String pythonExec, Map<String, String> env) {
    checkRunning();
    if (!bridgeConfig.useDaemon() || engine.conf().master().cluster()) {
      return;
    }
    WorkerKey key = WorkerKey.of(pythonExec == null || pythonExec.isBlank() ? "python3" : pythonExec,
        env == null ? Map.of() : env, bridgeConfig);
    Thread t = new Thread(() -> {
      try {
        WorkerFactories workers =
            executors.computeIfAbsent(Engine.currentExecutorId(), id -> new WorkerFactories(bridgeConfig));
        if (stopped.get()) {
          workers.close(); // stop() may have passed this entry already
          return;
        }
        workers.get(key).prestart();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "pre-starting the Python daemon: " + e.getMessage(), e);
      }
    }, "kindling-daemon-prestart");
    t.setDaemon(true);
    t.start();
  }

  private PythonRunner runnerFor(WorkerKey key) {
    checkRunning();
    // Called on the task's slot thread, which belongs to one executor.
    WorkerFactories workers =
        executors.computeIfAbsent(Engine.currentExecutorId(), id -> new WorkerFactories(bridgeConfig));
    if (stopped.get()) {
      // stop() may have passed this executor's entry already: close what this call added.
      workers.close();
      checkRunning();
    }
    return workers.runner(key);
  }

  public DriverDataset partitionBy(DriverDataset keyed, int numPartitions, long partitionFuncId) {
    checkRunning();
    return new DriverDataset(Errors.call("partitionBy",
        () -> keyed.engine.pairwise().partitionBy(numPartitions, partitionFuncId).values()),
        DriverDataset.BYTES, "partitionBy", List.of(keyed), true);
  }

  public DriverDataset union(List<DriverDataset> parts) {
    checkRunning();
    if (parts == null || parts.isEmpty()) {
      return emptyDataset();
    }
    List<dev.kindling.engine.dataset.Dataset> engines = new ArrayList<>();
    String kind = parts.get(0).elementKind();
    for (DriverDataset d : parts) {
      engines.add(d.engine);
      if (!d.elementKind().equals(kind)) {
        kind = DriverDataset.BYTES;
      }
    }
    return new DriverDataset(Errors.call("union", () -> engine.union(engines)), kind, "union", parts, false);
  }

  public DriverDataset coalesce(DriverDataset ds, int numPartitions) {
    checkRunning();
    return new DriverDataset(Errors.call("coalesce", () -> ds.engine.coalesce(numPartitions)),
        ds.elementKind(), "coalesce", List.of(ds), false);
  }

  /** Spark's {@code coalesce(n, shuffle)}; with a shuffle the records (pickled batches) are dealt round-robin. */
  public DriverDataset coalesce(DriverDataset ds, int numPartitions, boolean shuffle) {
    if (!shuffle) {
      return coalesce(ds, numPartitions);
    }
    checkRunning();
    return new DriverDataset(Errors.call("coalesce", () -> ds.engine.coalesce(numPartitions, true)),
        DriverDataset.BYTES, "coalesce", List.of(ds), true);
  }

  /** Spark's {@code RDD.zip}: each pair's two records one after the other (PySpark's PairDeserializer reads them). */
  public DriverDataset zip(DriverDataset left, DriverDataset right) {
    checkRunning();
    return new DriverDataset(Errors.call("zip", () -> left.engine.zip(right.engine)),
        left.elementKind().equals(right.elementKind()) ? left.elementKind() : DriverDataset.BYTES, "zip",
        List.of(left, right), false);
  }

  /** One partition per part file, as the engine's frame files; {@code minPartitions} is only a hint. */
  public DriverDataset pickleFile(String path, int minPartitions) {
    checkRunning();
    return wrap(Errors.call("pickleFile", () -> engine.frameFile(path)),
        DriverDataset.BYTES, "pickleFile at " + path);
  }

  // ---- 5.4 actions

  public List<Object> collectAndServe(DriverDataset ds) {
    checkRunning();
    return serve("collectAndServe", () -> ds.engine.serveCollect());
  }

  public List<Object> runJobAndServe(DriverDataset ds, List<Integer> partitions) {
    checkRunning();
    int[] ps = new int[partitions.size()];
    for (int i = 0; i < ps.length; i++) {
      ps[i] = ((Number) (Object) partitions.get(i)).intValue();
    }
    return serve("runJobAndServe", () -> engine.serveRunJob(ds.engine, ps));
  }

  public List<Object> toLocalIteratorAndServe(DriverDataset ds) {
    checkRunning();
    return serve("toLocalIteratorAndServe", () -> ds.engine.serveToLocalIterator());
  }

  /** PySpark's {@code toLocalIterator(prefetchPartitions)}: the next partition's job starts early. */
  public List<Object> toLocalIteratorAndServe(DriverDataset ds, boolean prefetchPartitions) {
    checkRunning();
    return serve("toLocalIteratorAndServe", () -> ds.engine.serveToLocalIterator(prefetchPartitions));
  }

  public void saveAsTextFile(DriverDataset ds, String path, String codec) {
    checkRunning();
    Errors.call("saveAsTextFile", () -> {
      ds.engine.saveAsTextFile(path, codec);
      return null;
    });
  }

  public void saveAsPickleFile(DriverDataset ds, String path) {
    checkRunning();
    Errors.call("saveAsPickleFile", () -> {
      ds.engine.saveAsFrameFile(path);
      return null;
    });
  }

  // ---- 5.5 broadcasts

  public long registerBroadcast(String path) {
    checkRunning();
    return Errors.call("registerBroadcast", () -> engine.registerBroadcast(Path.of(path)));
  }

  /**
   * With spark.io.encryption.enabled: {@code [port, secret, handle]} of a server the driver writes
   * one broadcast's pickle to (then closes); {@code handle.getResult()} is the broadcast id.
   */
  public List<Object> registerBroadcastServer() {
    checkRunning();
    return serve("registerBroadcastServer", () -> engine.serveBroadcastUpload());
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

  private List<Object> serve(String what, Errors.IoAction<dev.kindling.engine.serve.ServeHandle<?>> start) {
    dev.kindling.engine.serve.ServeHandle<?> info = Errors.call(what, start);
    return DriverServeHandle.of(info, what, Function.identity());
  }

  private DriverDataset wrap(dev.kindling.engine.dataset.Dataset ds, String kind, String operation) {
    return new DriverDataset(ds, kind, operation, List.of(), false);
  }

  private void checkRunning() {
    if (stopped.get()) {
      throw new KindlingException("the context has been stopped");
    }
  }

  Engine engine() {
    return engine;
  }

}
