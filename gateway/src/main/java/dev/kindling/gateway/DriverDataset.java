package dev.kindling.gateway;

import dev.kindling.engine.storage.StorageLevel;
import java.util.List;
import java.util.Locale;

/**
 * A lineage node as the driver sees it (GW-5.3): the engine's dataset, the kind of its elements
 * ({@code bytes}, {@code string}, {@code stringPair}) and enough lineage for
 * {@link #toDebugString()}.
 */
public final class DriverDataset {
  static final String BYTES = "bytes";
  static final String STRING = "string";
  static final String STRING_PAIR = "stringPair";

  final dev.kindling.engine.dataset.Dataset engine;
  private final String elementKind;
  private final String operation;
  private final List<DriverDataset> parents;
  private final boolean shuffle;

  DriverDataset(dev.kindling.engine.dataset.Dataset engine, String elementKind, String operation,
      List<DriverDataset> parents, boolean shuffle) {
    this.engine = engine;
    this.elementKind = elementKind;
    this.operation = operation;
    this.parents = List.copyOf(parents);
    this.shuffle = shuffle;
  }

  public int id() {
    return engine.id();
  }

  public int numPartitions() {
    return engine.numPartitions();
  }

  public String elementKind() {
    return elementKind;
  }

  public String name() {
    return engine.name();
  }

  public DriverDataset setName(String name) {
    engine.setName(name);
    return this;
  }

  /** {@code MEMORY_ONLY}, {@code MEMORY_AND_DISK} or {@code DISK_ONLY}; others are rejected by name. */
  public DriverDataset persist(String level) {
    StorageLevel parsed;
    try {
      parsed = level == null ? null : StorageLevel.valueOf(level.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      parsed = null;
    }
    if (parsed == null || parsed == StorageLevel.NONE) {
      throw new KindlingException("unsupported storage level '" + level
          + "'; use MEMORY_ONLY, MEMORY_AND_DISK or DISK_ONLY");
    }
    StorageLevel chosen = parsed;
    Errors.call("persist", () -> engine.persist(chosen));
    return this;
  }

  public DriverDataset unpersist(boolean blocking) {
    engine.unpersist();
    return this;
  }

  public String storageLevel() {
    return engine.storageLevel().name();
  }

  /** The lineage, one line per dataset, indented one step at each shuffle. */
  public String toDebugString() {
    StringBuilder sb = new StringBuilder();
    describe(sb, 0, true);
    return sb.toString();
  }

  private void describe(StringBuilder sb, int depth, boolean first) {
    if (!first) {
      sb.append('\n');
    }
    sb.append("  ".repeat(depth));
    if (depth > 0) {
      sb.append("+-");
    }
    sb.append('(').append(numPartitions()).append(") ").append(name()).append(' ').append(operation);
    if (engine.storageLevel() != StorageLevel.NONE) {
      sb.append(" [").append(engine.storageLevel()).append(']');
    }
    for (DriverDataset p : parents) {
      p.describe(sb, shuffle ? depth + 1 : depth, false);
    }
  }

  @Override
  public String toString() {
    return "Dataset[" + id() + ", " + elementKind + ", " + numPartitions() + " partitions]";
  }
}
