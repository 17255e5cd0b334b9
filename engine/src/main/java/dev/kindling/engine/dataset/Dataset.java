package dev.kindling.engine.dataset;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.PartitionFunction;
import dev.kindling.engine.Partitioner;
import dev.kindling.engine.TaskContext;
import dev.kindling.engine.serve.ServeHandle;
import dev.kindling.engine.storage.StorageLevel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * A node of the lineage graph: a partitioned collection of records that knows how to compute any
 * of its partitions from its parents. Immutable except for its storage level and name.
 *
 * <p>Records are {@code byte[]} frames, {@code String} lines, {@link KeyedRecord}s or, for
 * {@code range}, {@code Long}s.
 */
public abstract class Dataset {
  protected final Engine engine;
  private final int id;
  private volatile StorageLevel storageLevel = StorageLevel.NONE;
  private volatile String name;
  /** The driver's call site when this dataset was made ({@link Engine#CALL_SITE}), or null. */
  private final String creationSite;

  protected Dataset(Engine engine) {
    this.engine = engine;
    this.id = engine.newDatasetId();
    this.creationSite = engine.getLocalProperty(Engine.CALL_SITE);
  }

  /** Where the driver program made this dataset, e.g. "reduceByKey at wc.py:12" (Spark's creation site), or null. */
  public String creationSite() {
    return creationSite;
  }

  public final int id() {
    return id;
  }

  public abstract int numPartitions();

  /**
   * What the records are, for the gateway: {@code "bytes"} (frames; also the declared output of
   * record functions), {@code "string"}, {@code "stringPair"}, {@code "keyed"}, {@code "long"},
   * or {@code "mixed"} for a union of different kinds.
   */
  public String elementKind() {
    return "bytes";
  }

  static String commonKind(List<Dataset> parents) {
    String kind = null;
    for (Dataset p : parents) {
      if (kind == null) {
        kind = p.elementKind();
      } else if (!kind.equals(p.elementKind())) {
        return "mixed";
      }
    }
    return kind == null ? "bytes" : kind;
  }

  public Optional<Partitioner> partitioner() {
    return Optional.empty();
  }

  public abstract List<Dependency> dependencies();

  public abstract Iterator<Object> compute(int partition, TaskContext ctx) throws Exception;

  /** Reads partition {@code p}, from the block store if this dataset is persisted. */
  public final Iterator<Object> iterator(int p, TaskContext ctx) throws Exception {
    StorageLevel level = storageLevel;
    if (level == StorageLevel.NONE) {
      return compute(p, ctx);
    }
    return engine.blocks().getOrCompute(id, p, level, ctx, () -> compute(p, ctx));
  }

  public String name() {
    return name != null ? name : getClass().getSimpleName() + "[" + id + "]";
  }

  public Dataset setName(String name) {
    this.name = name;
    return this;
  }

  // ---- transformations

  public Dataset mapPartitions(PartitionFunction f, boolean preservesPartitioning) {
    return new MapPartitionsDataset(this, f, preservesPartitioning);
  }

  /** Frames in twos, an 8-byte big-endian key then a payload, become {@link KeyedRecord}s. */
  public Dataset pairwise() {
    return new PairwiseDataset(this);
  }

  /** Shuffles keyed records into {@code numPartitions}, unless already partitioned that way. */
  public Dataset partitionBy(int numPartitions, long partitionerId) {
    Partitioner p = new Partitioner(numPartitions, partitionerId);
    if (partitioner().equals(Optional.of(p))) {
      return this;
    }
    return new ShuffledDataset(this, p);
  }

  /** The payloads of keyed records, keeping the partitioner. */
  public Dataset values() {
    return new ValuesDataset(this);
  }

  public Dataset union(Dataset... others) {
    List<Dataset> all = new ArrayList<>();
    all.add(this);
    all.addAll(List.of(others));
    return engine.union(all);
  }

  /**
   * Spark's {@code zip}: the i-th records of each partition of both, written one after the other
   * (see {@link ZippedDataset}); fails when the partition counts differ.
   */
  public Dataset zip(Dataset other) {
    return new ZippedDataset(this, other);
  }

  /**
   * {@code min(numPartitions, P)} partitions without a shuffle, grouped as Spark's default
   * coalescer groups them: runs of neighbours, unless some parent partitions have a location
   * (stored blocks, computed shuffle outputs), when Spark packs them by locality and balance.
   */
  public Dataset coalesce(int numPartitions) {
    if (numPartitions < 1) {
      throw new IllegalArgumentException("Number of partitions (" + numPartitions + ") must be positive.");
    }
    return new CoalescedDataset(this, numPartitions);
  }

  /**
   * Spark's {@code coalesce(n, shuffle)}. Without a shuffle it is {@link #coalesce(int)}; with one
   * (PySpark's {@code repartition}) each input partition deals its byte[] records round-robin over
   * the {@code n} outputs, so outputs are even in size. As in Spark's {@code RDD.coalesce}, input
   * partition {@code i} starts at {@code new XORShiftRandom(i).nextInt(n)} (Spark 4.x; the
   * {@code java.util.Random(byteswap32(i))} of older sources is not what 4.2.1 runs) and its
   * first record goes to the output after that one; each output reads the map outputs in map
   * order, so records land in exactly Spark's partitions.
   */
  public Dataset coalesce(int numPartitions, boolean shuffle) {
    if (!shuffle) {
      return coalesce(numPartitions);
    }
    if (numPartitions < 1) {
      throw new IllegalArgumentException("Number of partitions (" + numPartitions + ") must be positive.");
    }
    PartitionFunction deal = (ctx, it) -> {
      long[] position = {roundRobinStart(ctx.partitionId(), numPartitions)};
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Object next() {
          Object o = it.next();
          if (!(o instanceof byte[] b)) {
            throw new EngineException("coalesce with shuffle: expected byte[] records, got " + PairwiseDataset.describe(o));
          }
          return new KeyedRecord(++position[0], b);
        }
      };
    };
    // The round-robin keys mean nothing downstream, so the result claims no partitioner.
    return new ShuffledDataset(mapPartitions(deal, false), new Partitioner(numPartitions, ROUND_ROBIN))
        .values().mapPartitions((ctx, it) -> it, false);
  }

  /** Where map partition {@code index} starts dealing in {@code coalesce(n, true)} (Spark's choice). */
  static int roundRobinStart(int index, int numPartitions) {
    return new XorShiftRandom(index).nextInt(numPartitions);
  }

  /** Partitioner id of the round-robin shuffle behind {@code coalesce(n, true)}. */
  static final long ROUND_ROBIN = Long.MIN_VALUE;

  public Dataset persist(StorageLevel level) {
    StorageLevel current = storageLevel;
    if (current != StorageLevel.NONE && current != level) {
      throw new UnsupportedOperationException(
          "Cannot change storage level of " + name() + " after it was already assigned a level");
    }
    if (current == StorageLevel.NONE && level != StorageLevel.NONE) {
      engine.registerPersisted(this);
    }
    storageLevel = level;
    return this;
  }

  /** As {@link #persist(StorageLevel)}, by name; levels other than the three supported are rejected. */
  public Dataset persist(String level) {
    StorageLevel l;
    try {
      l = StorageLevel.valueOf(level);
    } catch (IllegalArgumentException | NullPointerException e) {
      l = StorageLevel.NONE;
    }
    if (l == StorageLevel.NONE) {
      throw new IllegalArgumentException("Unsupported storage level " + level
          + " (supported: MEMORY_ONLY, MEMORY_AND_DISK, DISK_ONLY)");
    }
    return persist(l);
  }

  public Dataset cache() {
    return persist(StorageLevel.MEMORY_ONLY);
  }

  /** Drops stored blocks; later actions recompute from lineage. */
  public Dataset unpersist() {
    storageLevel = StorageLevel.NONE;
    engine.blocks().removeDataset(id);
    return this;
  }

  /** Blocks are always dropped before this returns, so {@code blocking} changes nothing. */
  public Dataset unpersist(boolean blocking) {
    return unpersist();
  }

  public StorageLevel storageLevel() {
    return storageLevel;
  }

  // ---- actions

  public List<Object> collect() {
    return engine.actions().collect(this);
  }

  public long count() {
    return engine.actions().count(this);
  }

  /** The first {@code n} records, scanning partitions incrementally as Spark's take does. */
  public List<Object> take(int n) {
    return engine.actions().take(this, n);
  }

  /** Records partition by partition, each partition computed by its own job when first needed. */
  public Iterator<Object> toLocalIterator() {
    return engine.actions().toLocalIterator(this);
  }

  /** Writes one line per record; {@code codec} null for plain text or "gzip". */
  public void saveAsTextFile(String path, String codec) {
    engine.actions().saveAsTextFile(this, path, codec);
  }

  /** Writes byte[] records as frames (the gateway's saveAsPickleFile); read back by {@link Engine#frameFile}. */
  public void saveAsFrameFile(String path) {
    engine.actions().saveAsFrameFile(this, path);
  }

  /** Collects, then serves the records once through an authenticated loopback socket. */
  public ServeHandle<Void> serveCollect() {
    return engine.actions().serveCollect(this);
  }

  /** Serves partitions on request through an authenticated loopback socket (PySpark's protocol). */
  public ServeHandle<Void> serveToLocalIterator() {
    return engine.actions().serveToLocalIterator(this);
  }

  /** As {@link #serveToLocalIterator()}; with {@code prefetch} the next partition's job starts early. */
  public ServeHandle<Void> serveToLocalIterator(boolean prefetch) {
    return engine.actions().serveToLocalIterator(this, prefetch);
  }

  /** The lineage, one line per dataset, indented at shuffle boundaries. */
  public String toDebugString() {
    StringBuilder sb = new StringBuilder();
    debug(this, "", "", sb);
    return sb.toString().stripTrailing();
  }

  private static void debug(Dataset d, String indent, String marker, StringBuilder sb) {
    sb.append(indent).append(marker).append('(').append(d.numPartitions()).append(") ").append(d.name());
    if (d.storageLevel != StorageLevel.NONE) {
      sb.append(" [").append(d.storageLevel).append(']');
    }
    sb.append('\n');
    String childIndent = indent + " ".repeat(marker.length());
    for (Dependency dep : d.dependencies()) {
      if (dep instanceof Dependency.Shuffle) {
        debug(dep.parent, childIndent, "+-", sb);
      } else {
        debug(dep.parent, childIndent, " |  ", sb);
      }
    }
  }

  @Override
  public String toString() {
    return name() + " (" + numPartitions() + " partitions)";
  }
}
