package dev.kindling.engine.storage;

import dev.kindling.engine.dataset.Dataset;
import java.lang.ref.WeakReference;

/**
 * A persisted dataset as the storage page sees it; weak, so listing storage never keeps a dataset
 * (and its blocks) alive past the point where the engine's cleaner would drop them.
 */
public final class PersistedDataset {
  private final WeakReference<Dataset> ref;
  final int id;
  final int numPartitions;

  public PersistedDataset(Dataset ds) {
    this.ref = new WeakReference<>(ds);
    this.id = ds.id();
    this.numPartitions = ds.numPartitions();
  }

  /** Null once the dataset is gone. */
  Dataset dataset() {
    return ref.get();
  }
}
