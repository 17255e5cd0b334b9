package dev.kindling.engine.storage;

import dev.kindling.engine.dataset.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one persisted dataset holds in the block store now: the data behind Spark's
 * {@code RDDStorageInfo}. Only datasets with at least one stored block are listed, as in Spark.
 *
 * @param storageLevel Spark's description of the requested level, e.g. "Memory Serialized 1x Replicated"
 */
public record RddStorage(int id, String name, int numPartitions, String storageLevel, long memoryUsed,
    long diskUsed, List<Block> blocks) {

  /** One stored partition: {@code rdd_<id>_<partition>}, where it is and what it takes. */
  public record Block(String blockName, int partition, String storageLevel, long memoryUsed, long diskUsed) {}

  /** Spark's {@code StorageLevel.description}; PySpark always stores serialized, one replica. */
  static String describe(boolean disk, boolean memory) {
    return (disk ? "Disk " : "") + (memory ? "Memory " : "") + "Serialized 1x Replicated";
  }

  public static List<RddStorage> collect(Map<Integer, PersistedDataset> persisted, BlockManager blocks) {
    Map<Integer, List<Block>> byDataset = new TreeMap<>();
    for (BlockManager.StoredBlock b : blocks.storedBlocks()) {
      byDataset.computeIfAbsent(b.datasetId(), k -> new ArrayList<>()).add(new Block(
          "rdd_" + b.datasetId() + "_" + b.partition(), b.partition(),
          describe(b.diskBytes() > 0 && b.memoryBytes() == 0, b.memoryBytes() > 0), b.memoryBytes(), b.diskBytes()));
    }
    List<RddStorage> out = new ArrayList<>();
    byDataset.forEach((id, list) -> {
      PersistedDataset p = persisted.get(id);
      Dataset ds = p == null ? null : p.dataset();
      if (ds == null) {
        return;
      }
      StorageLevel level = ds.storageLevel();
      if (level == StorageLevel.NONE) {
        return;
      }
      list.sort(java.util.Comparator.comparingInt(Block::partition));
      long mem = list.stream().mapToLong(Block::memoryUsed).sum();
      long disk = list.stream().mapToLong(Block::diskUsed).sum();
      out.add(new RddStorage(id, ds.name(), p.numPartitions, describe(level.useDisk(), level.useMemory()), mem, disk,
          List.copyOf(list)));
    });
    return out;
  }
}
