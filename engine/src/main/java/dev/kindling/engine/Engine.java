package dev.kindling.engine;

import dev.kindling.engine.accumulator.AccumulatorListener;
import dev.kindling.engine.accumulator.AccumulatorRegistry;
import dev.kindling.engine.broadcast.BroadcastCipher;
import dev.kindling.engine.broadcast.BroadcastRegistry;
import dev.kindling.engine.conf.EngineConf;
import dev.kindling.engine.conf.MasterUrl;
import dev.kindling.engine.dataset.CacheLocations;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.dataset.EmptyDataset;
import dev.kindling.engine.dataset.ParallelDataset;
import dev.kindling.engine.dataset.PartitionerAwareUnionDataset;
import dev.kindling.engine.dataset.RangeDataset;
import dev.kindling.engine.dataset.ShuffledDataset;
import dev.kindling.engine.dataset.UnionDataset;
import dev.kindling.protocol.io.Files2;
import dev.kindling.engine.io.Sources;
import dev.kindling.engine.scheduler.Actions;
import dev.kindling.engine.scheduler.JobTags;
import dev.kindling.engine.scheduler.Scheduler;
import dev.kindling.engine.serve.OneShotServer;
import dev.kindling.engine.serve.ServeHandle;
import dev.kindling.engine.shuffle.MapOutputTracker;
import dev.kindling.engine.shuffle.ShuffleManager;
import dev.kindling.engine.status.AppStatusStore;
import dev.kindling.engine.status.EngineListener;
import dev.kindling.engine.status.EventBus;
import dev.kindling.engine.status.JobStatus;
import dev.kindling.engine.status.StatusTracker;
import dev.kindling.engine.storage.BlockManager;
import dev.kindling.engine.storage.PersistedDataset;
import dev.kindling.engine.storage.RddStorage;
import dev.kindling.engine.storage.ScratchDirs;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The engine's front door: creates datasets, runs jobs on a local slot pool, and owns the shuffle,
 * block, broadcast and accumulator stores. One per driver process; thread-safe, so several driver
 * threads may run jobs at once.
 *
 * <p>All scratch files live under one directory in {@code spark.local.dir}, removed by
 * {@link #stop()} or, failing that, by a shutdown hook.
 */
public final class Engine implements AutoCloseable {
  public static final String JOB_GROUP_ID = "spark.jobGroup.id";
  public static final String JOB_DESCRIPTION = "spark.job.description";
  public static final String JOB_INTERRUPT_ON_CANCEL = "spark.job.interruptOnCancel";
  /**
   * Spark's short call site property: the driver sets it (e.g. "collect at wc.py:14") before it
   * starts a job or makes a dataset; it names the job's result stage and the datasets made
   * meanwhile, whose names in turn name their shuffle-map stages, as in Spark.
   */
  public static final String CALL_SITE = "callSite.short";

  private final EngineConf conf;
  private final Path localDir;
  private final ExecutorService slots;
  private final Scheduler scheduler;
  private final ShuffleManager shuffles;
  private final BlockManager blocks;
  private final BroadcastRegistry broadcasts;
  private final AccumulatorRegistry accumulators = new AccumulatorRegistry();
  private final EventBus events = new EventBus();
  private final StatusTracker status = new StatusTracker();
  private final CacheLocations cacheLocations = new CacheLocations(this);
  private final AppStatusStore statusStore;
  private final Map<Integer, PersistedDataset> persisted = new ConcurrentHashMap<>();
  private final Actions actions;
  private final Sources sources;
  private final Cleaner cleaner = Cleaner.create();
  private final AtomicInteger nextDatasetId = new AtomicInteger();
  private final AtomicInteger nextShuffleId = new AtomicInteger();
  private final Thread shutdownHook;
  private final Set<Closeable> openSockets = ConcurrentHashMap.newKeySet();
  private volatile boolean stopped;
  private final InheritableThreadLocal<Map<String, String>> localProperties = new InheritableThreadLocal<>() {
    @Override
    protected Map<String, String> initialValue() {
      return new HashMap<>();
    }

    @Override
    protected Map<String, String> childValue(Map<String, String> parent) {
      // A child thread starts with its parent's properties but must not share later changes.
      return new HashMap<>(parent);
    }
  };

  public Engine(EngineConf conf) {
    this.conf = conf;
    try {
      Files.createDirectories(conf.localDirParent());
      // JVMs killed with SIGKILL left their scratch behind (no shutdown hook ran): remove it now.
      ScratchDirs.sweepStale(conf.localDirParent());
      localDir = Files.createTempDirectory(conf.localDirParent(), ScratchDirs.PREFIX);
      ScratchDirs.markOwned(localDir);
      shuffles = new ShuffleManager(localDir.resolve("shuffle"), new MapOutputTracker(), conf.spillThresholdBytes(),
          conf.shuffleMemoryBytes());
      blocks = new BlockManager(localDir.resolve("blocks"), conf.storageMemoryBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the engine's local directory under " + conf.localDirParent(), e);
    }
    statusStore = new AppStatusStore(conf);
    events.addListener(statusStore);
    broadcasts = new BroadcastRegistry(localDir.resolve("broadcast"), conf.ioEncryption()
        ? new BroadcastCipher(conf.ioEncryptionKeyBits()) : null);
    slots = Executors.newFixedThreadPool(conf.slots() / conf.taskCpus(), slotThreads(conf.master()));
    scheduler = new Scheduler(this, slots, conf.maxTaskFailures());
    actions = new Actions(this);
    sources = new Sources(this);
    Path dir = localDir;
    shutdownHook = new Thread(() -> Files2.deleteRecursively(dir), "kindling-cleanup");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  public Engine(Map<String, String> settings) {
    this(new EngineConf(settings));
  }

  public EngineConf conf() {
    return conf;
  }

  public int defaultParallelism() {
    return conf.defaultParallelism();
  }

  // ---- sources

  /** Records handed over in memory, in {@code numSlices} slices. */
  public Dataset parallelize(List<?> records, int numSlices) {
    return new ParallelDataset(this, records, numSlices);
  }

  /** Frames read from a file of {@code i32 BE length | bytes} repeated until EOF. */
  public Dataset parallelizeFromFile(Path file, int numSlices) throws IOException {
    return sources.parallelizeFromFile(file, numSlices);
  }

  /** A one-shot server the driver writes frames to; the handle's result is the dataset. */
  public ServeHandle<Dataset> serveParallelize(int numSlices) throws IOException {
    return sources.serveParallelize(numSlices);
  }

  /** Lines of files, a directory or a glob (comma-separated lists allowed), split as Hadoop does. */
  public Dataset textFile(String path, int minPartitions) {
    return sources.textFile(path, minPartitions);
  }

  /** One (path, content) {@link StringPair} per file; same path forms as {@link #textFile}. */
  public Dataset wholeTextFiles(String path, int minPartitions) {
    return sources.wholeTextFiles(path, minPartitions);
  }

  /** Frames from the part files {@link Dataset#saveAsFrameFile} wrote, one partition per file. */
  public Dataset frameFile(String path) {
    return sources.frameFile(path);
  }

  /** A dataset with no partitions. */
  public Dataset emptyDataset() {
    return new EmptyDataset(this);
  }

  public Dataset range(long start, long end, long step, int numSlices) {
    return new RangeDataset(this, start, end, step, numSlices);
  }

  /**
   * Concatenation of partitions, as SparkContext.union: empty datasets are left out, and if all
   * the others share one partitioner the union keeps it, zipping partition i of each.
   */
  public Dataset union(List<Dataset> datasets) {
    if (datasets.isEmpty()) {
      throw new IllegalArgumentException("union needs at least one dataset");
    }
    List<Dataset> nonEmpty = datasets.stream().filter(d -> d.numPartitions() > 0).toList();
    if (nonEmpty.isEmpty()) {
      return new EmptyDataset(this);
    }
    Set<Optional<Partitioner>> partitioners =
        nonEmpty.stream().map(Dataset::partitioner).collect(Collectors.toSet());
    if (partitioners.size() == 1) {
      Optional<Partitioner> p = partitioners.iterator().next();
      if (p.isPresent()) {
        return new PartitionerAwareUnionDataset(this, nonEmpty, p.get());
      }
    }
    return new UnionDataset(this, nonEmpty);
  }

  // ---- jobs

  /** Runs a job on the given partitions and returns each one's records, in the order asked. */
  public List<List<Object>> runJob(Dataset ds, int[] partitions) {
    return actions.runJob(ds, partitions);
  }

  /** Like {@link #runJob}, then serves all records, flattened, through a one-shot socket. */
  public ServeHandle<Void> serveRunJob(Dataset ds, int[] partitions) {
    return actions.serveRunJob(ds, partitions);
  }

  /** Sets the calling thread's job group; jobs it starts from now on belong to the group. */
  public void setJobGroup(String groupId, String description, boolean interruptOnCancel) {
    setLocalProperty(JOB_GROUP_ID, groupId);
    setLocalProperty(JOB_DESCRIPTION, description);
    setLocalProperty(JOB_INTERRUPT_ON_CANCEL, Boolean.toString(interruptOnCancel));
  }

  public void clearJobGroup() {
    setLocalProperty(JOB_GROUP_ID, null);
    setLocalProperty(JOB_DESCRIPTION, null);
    setLocalProperty(JOB_INTERRUPT_ON_CANCEL, null);
  }

  /** A per-thread property passed to every task of jobs this thread starts; null removes it. */
  public void setLocalProperty(String key, String value) {
    if (value == null) {
      localProperties.get().remove(key);
    } else {
      localProperties.get().put(key, value);
    }
  }

  public String getLocalProperty(String key) {
    return localProperties.get().get(key);
  }

  public Map<String, String> localProperties() {
    return Map.copyOf(localProperties.get());
  }

  /**
   * Replaces the calling thread's properties by a copy of {@code properties} (null entries are
   * dropped): how a driver thread takes over another's, as Spark's {@code setLocalProperties}
   * does for PySpark's {@code InheritableThread} under pinned Py4J threads, whose JVM threads are
   * not children of the thread that started them.
   */
  public void setLocalProperties(Map<String, String> properties) {
    Map<String, String> copy = new HashMap<>();
    if (properties != null) {
      properties.forEach((k, v) -> {
        if (k != null && v != null) {
          copy.put(k, v);
        }
      });
    }
    localProperties.set(copy);
  }

  public void cancelJob(int jobId) {
    scheduler.cancelJob(jobId, "cancelled by request");
  }

  public void cancelJobGroup(String groupId) {
    scheduler.cancelJobGroup(groupId, "part of cancelled job group " + groupId);
  }

  /** Adds a tag to the calling thread's job tags (Spark 4); jobs it starts from now on carry it. */
  public void addJobTag(String tag) {
    JobTags.validate(tag);
    Set<String> tags = getJobTags();
    tags.add(tag);
    setLocalProperty(JobTags.PROPERTY, JobTags.join(tags));
  }

  public void removeJobTag(String tag) {
    JobTags.validate(tag);
    Set<String> tags = getJobTags();
    tags.remove(tag);
    setLocalProperty(JobTags.PROPERTY, JobTags.join(tags));
  }

  /** The calling thread's job tags, a fresh mutable set. */
  public Set<String> getJobTags() {
    return JobTags.parse(getLocalProperty(JobTags.PROPERTY));
  }

  public void clearJobTags() {
    setLocalProperty(JobTags.PROPERTY, null);
  }

  /** Cancels every running job that carries {@code tag}. */
  public void cancelJobsWithTag(String tag) {
    JobTags.validate(tag);
    scheduler.cancelJobsWithTag(tag, "part of cancelled job tags " + tag);
  }

  public void cancelAllJobs() {
    scheduler.cancelAll("as part of cancellation of all jobs");
  }

  /** Running jobs and their stages' task counts. */
  public List<JobStatus> activeJobs() {
    return status.snapshot();
  }

  /** Finished and running jobs, stages and tasks, within Spark's retention limits. */
  public AppStatusStore statusStore() {
    return statusStore;
  }

  /** The persisted datasets that have blocks stored now, by dataset id. */
  public List<RddStorage> storageStatus() {
    return RddStorage.collect(persisted, blocks);
  }

  // ---- broadcast and accumulators

  /**
   * With spark.io.encryption.enabled: a one-shot server the driver streams one broadcast's pickle
   * to (PySpark's encryption server); the result is the new broadcast's id.
   */
  public ServeHandle<Long> serveBroadcastUpload() throws IOException {
    if (!broadcasts.encrypted()) {
      throw new IllegalStateException("broadcast upload needs spark.io.encryption.enabled=true");
    }
    return OneShotServer.start("broadcast", conf, openSockets, (in, out, socket) -> {
      socket.setSoTimeout((int) conf.acceptTimeout().toMillis());
      return broadcasts.registerEncrypted(in);
    });
  }

  /** Registers a driver-written file as a broadcast value; the engine deletes it on destroy. */
  public long registerBroadcast(Path file) {
    return broadcasts.register(file);
  }

  /** The path workers read broadcast {@code id} from. */
  public Path broadcastFile(long id) {
    return broadcasts.workerFile(id);
  }

  public void unpersistBroadcast(long id) {
    broadcasts.unpersist(id);
  }

  public void destroyBroadcast(long id) {
    broadcasts.destroy(id);
  }

  public void addAccumulatorListener(AccumulatorListener l) {
    accumulators.addListener(l);
  }

  public void removeAccumulatorListener(AccumulatorListener l) {
    accumulators.removeListener(l);
  }

  // ---- events

  public void addListener(EngineListener l) {
    events.addListener(l);
  }

  public void removeListener(EngineListener l) {
    events.removeListener(l);
  }

  /** Waits until every event posted so far reached the listeners; false on timeout. */
  public boolean awaitEventsDelivered(Duration timeout) throws InterruptedException {
    return events.waitUntilEmpty(timeout);
  }

  // ---- lifecycle

  public boolean isStopped() {
    return stopped;
  }

  /** Cancels running jobs, stops the slots and event bus, and deletes scratch and broadcast files. */
  public void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    scheduler.cancelAll("the engine was stopped");
    for (Closeable c : List.copyOf(openSockets)) {
      try {
        c.close();
      } catch (IOException e) {
        // Closing is all we wanted; the serving thread reports the failure through its handle.
      }
    }
    slots.shutdownNow();
    try {
      slots.awaitTermination(conf.killTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    events.stop(Duration.ofSeconds(5));
    // Broadcast files were handed to the engine, so they go with it, as Spark's driver temp dir does.
    broadcasts.destroyAll();
    Files2.deleteRecursively(localDir);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: the hook will run and find nothing left.
    }
  }

  @Override
  public void close() {
    stop();
  }

  // ---- wiring for the engine's own packages (dataset, scheduler, shuffle, ...): public only because
  // Java has no module-private access; the gateway does not use these.

  public void checkRunning() {
    if (stopped) {
      throw new EngineException("the engine has been stopped");
    }
  }

  public int newDatasetId() {
    return nextDatasetId.getAndIncrement();
  }

  public int newShuffleId() {
    return nextShuffleId.getAndIncrement();
  }

  /** Shuffle files go when the dataset reading them becomes unreachable, like Spark's ContextCleaner. */
  public void registerShuffle(ShuffledDataset ds, int shuffleId, int numMaps) {
    shuffles.tracker().registerShuffle(shuffleId, numMaps);
    ShuffleManager manager = shuffles;
    cleaner.register(ds, () -> manager.removeShuffle(shuffleId));
  }

  public void registerPersisted(Dataset ds) {
    BlockManager store = blocks;
    int id = ds.id();
    persisted.put(id, new PersistedDataset(ds));
    Map<Integer, PersistedDataset> names = persisted;
    cleaner.register(ds, () -> {
      store.removeDataset(id);
      names.remove(id);
    });
  }

  public Set<Closeable> openSockets() { return openSockets; }
  /** The engine's scratch directory (shuffle, blocks, broadcasts), removed by {@link #stop()}. */
  public Path localDir() { return localDir; }
  public Scheduler scheduler() { return scheduler; }
  public ShuffleManager shuffles() { return shuffles; }
  public BlockManager blocks() { return blocks; }
  public CacheLocations cacheLocations() { return cacheLocations; }
  public BroadcastRegistry broadcasts() { return broadcasts; }
  public AccumulatorRegistry accumulators() { return accumulators; }
  public EventBus events() { return events; }
  public StatusTracker status() { return status; }
  public Actions actions() { return actions; }

  private static final ThreadLocal<String> EXECUTOR_ID = new ThreadLocal<>();

  /**
   * The executor whose slot runs the calling task thread: {@code "driver"} in local mode; with
   * {@code local-cluster[E,C,M]}, {@code "0"} to {@code "E-1"}, slot threads dealt to executors
   * in turn (so Python worker pools can be kept per executor).
   */
  public static String currentExecutorId() {
    String id = EXECUTOR_ID.get();
    return id == null ? "driver" : id;
  }

  private static ThreadFactory slotThreads(MasterUrl master) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      int i = n.getAndIncrement();
      String executor = master.cluster() ? Integer.toString(i % master.executors()) : null;
      Thread t = new Thread(() -> {
        EXECUTOR_ID.set(executor);
        r.run();
      }, "kindling-task-" + i + (executor == null ? "" : "-executor-" + executor));
      t.setDaemon(true);
      return t;
    };
  }
}
