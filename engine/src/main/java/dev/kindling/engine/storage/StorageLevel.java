package dev.kindling.engine.storage;

/** Where a persisted dataset keeps its computed partitions. */
public enum StorageLevel {
  NONE(false, false),
  MEMORY_ONLY(true, false),
  MEMORY_AND_DISK(true, true),
  DISK_ONLY(false, true);

  private final boolean useMemory;
  private final boolean useDisk;

  StorageLevel(boolean useMemory, boolean useDisk) {
    this.useMemory = useMemory;
    this.useDisk = useDisk;
  }

  public boolean useMemory() {
    return useMemory;
  }

  public boolean useDisk() {
    return useDisk;
  }
}
