package dev.kindling.bridge;

import dev.kindling.protocol.Profile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything the task header carries (WRK-4): the split, the driver's Python version, the task
 * context fields, files root and includes, the broadcasts the command needs (id to file path),
 * the command and, on spark-4.2 and spark-4.3, the two conf maps. Build with {@link #builder()}. Immutable.
 */
public final class TaskSpec {
  private final Profile profile;
  private final int splitIndex;
  private final String pythonVersion;
  private final int stageId;
  private final int partitionId;
  private final int attemptNumber;
  private final long taskAttemptId;
  private final int cpus;
  private final Map<String, List<String>> resources;
  private final Map<String, String> localProperties;
  private final String sparkFilesDir;
  private final List<String> pythonIncludes;
  private final Map<Long, String> broadcasts;
  private final byte[] command;
  private final Map<String, String> runnerConf;
  private final Map<String, String> evalConf;
  private final Boolean reuseWorker;
  private final BroadcastSource broadcastSource;

  /**
   * Where encrypted broadcasts' plain bytes come from: with one, added broadcasts reach the worker
   * through a decryption server (WRK-4.5.4, WRK-9.5) instead of by path.
   */
  @FunctionalInterface
  public interface BroadcastSource {
    java.io.InputStream open(long id) throws java.io.IOException;
  }

  private TaskSpec(Builder b) {
    profile = b.profile;
    splitIndex = b.splitIndex;
    pythonVersion = Objects.requireNonNull(b.pythonVersion, "pythonVersion");
    stageId = b.stageId;
    partitionId = b.partitionId;
    attemptNumber = b.attemptNumber;
    taskAttemptId = b.taskAttemptId;
    cpus = b.cpus;
    Map<String, List<String>> res = new LinkedHashMap<>();
    b.resources.forEach((k, v) -> res.put(k, List.copyOf(v)));
    resources = java.util.Collections.unmodifiableMap(res);
    localProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.localProperties));
    sparkFilesDir = Objects.requireNonNull(b.sparkFilesDir, "sparkFilesDir");
    pythonIncludes = List.copyOf(b.pythonIncludes);
    broadcasts = java.util.Collections.unmodifiableMap(new TreeMap<>(b.broadcasts));
    command = Objects.requireNonNull(b.command, "command").clone();
    runnerConf = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.runnerConf));
    evalConf = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.evalConf));
    reuseWorker = b.reuseWorker;
    broadcastSource = b.broadcastSource;
    broadcasts.keySet().forEach(id -> {
      if (id < 0) {
        throw new IllegalArgumentException("broadcast id must be >= 0: " + id);
      }
    });
  }

  /** Null unless broadcasts are served decrypted through a server. */
  public BroadcastSource broadcastSource() {
    return broadcastSource;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Null means the factory's configured profile; anything else must equal it. */
  public Profile profile() {
    return profile;
  }

  public int splitIndex() {
    return splitIndex;
  }

  public String pythonVersion() {
    return pythonVersion;
  }

  public int stageId() {
    return stageId;
  }

  public int partitionId() {
    return partitionId;
  }

  public int attemptNumber() {
    return attemptNumber;
  }

  public long taskAttemptId() {
    return taskAttemptId;
  }

  public int cpus() {
    return cpus;
  }

  public Map<String, List<String>> resources() {
    return resources;
  }

  public Map<String, String> localProperties() {
    return localProperties;
  }

  public String sparkFilesDir() {
    return sparkFilesDir;
  }

  public List<String> pythonIncludes() {
    return pythonIncludes;
  }

  /** Broadcast id to the path of its file, sorted by id. */
  public Map<Long, String> broadcasts() {
    return broadcasts;
  }

  public byte[] command() {
    return command.clone();
  }

  public byte[] commandUnsafe() {
    return command;
  }

  public Map<String, String> runnerConf() {
    return runnerConf;
  }

  public Map<String, String> evalConf() {
    return evalConf;
  }

  /** Null means the factory's {@code spark.python.worker.reuse}. */
  public Boolean reuseWorker() {
    return reuseWorker;
  }

  /** Mutable builder with Spark-like defaults (split 0, cpus 1, no broadcasts, no includes). */
  public static final class Builder {
    private Profile profile;
    private int splitIndex;
    private String pythonVersion;
    private int stageId;
    private int partitionId;
    private int attemptNumber;
    private long taskAttemptId;
    private int cpus = 1;
    private final Map<String, List<String>> resources = new LinkedHashMap<>();
    private final Map<String, String> localProperties = new LinkedHashMap<>();
    private String sparkFilesDir = "";
    private final List<String> pythonIncludes = new ArrayList<>();
    private final Map<Long, String> broadcasts = new TreeMap<>();
    private byte[] command;
    private final Map<String, String> runnerConf = new LinkedHashMap<>();
    private final Map<String, String> evalConf = new LinkedHashMap<>();
    private Boolean reuseWorker;
    private BroadcastSource broadcastSource;

    private Builder() {}

    public Builder profile(Profile v) {
      profile = v;
      return this;
    }

    public Builder splitIndex(int v) {
      splitIndex = v;
      return this;
    }

    public Builder pythonVersion(String v) {
      pythonVersion = v;
      return this;
    }

    public Builder stageId(int v) {
      stageId = v;
      return this;
    }

    public Builder partitionId(int v) {
      partitionId = v;
      return this;
    }

    public Builder attemptNumber(int v) {
      attemptNumber = v;
      return this;
    }

    public Builder taskAttemptId(long v) {
      taskAttemptId = v;
      return this;
    }

    public Builder cpus(int v) {
      cpus = v;
      return this;
    }

    public Builder resource(String name, List<String> addresses) {
      resources.put(name, addresses);
      return this;
    }

    public Builder localProperty(String k, String v) {
      localProperties.put(k, v);
      return this;
    }

    public Builder sparkFilesDir(String v) {
      sparkFilesDir = v;
      return this;
    }

    public Builder pythonInclude(String v) {
      pythonIncludes.add(v);
      return this;
    }

    public Builder broadcast(long id, String path) {
      broadcasts.put(id, path);
      return this;
    }

    /** Serve broadcast values decrypted from {@code v} (spark.io.encryption.enabled). */
    public Builder broadcastSource(BroadcastSource v) {
      broadcastSource = v;
      return this;
    }

    public Builder broadcasts(Map<Long, String> v) {
      broadcasts.clear();
      broadcasts.putAll(v);
      return this;
    }

    public Builder command(byte[] v) {
      command = v;
      return this;
    }

    public Builder runnerConf(String k, String v) {
      runnerConf.put(k, v);
      return this;
    }

    public Builder evalConf(String k, String v) {
      evalConf.put(k, v);
      return this;
    }

    public Builder reuseWorker(Boolean v) {
      reuseWorker = v;
      return this;
    }

    public TaskSpec build() {
      return new TaskSpec(this);
    }
  }
}
