/**
 * Where persisted partitions and scratch files live. {@link BlockManager} keeps cached partitions
 * in memory under a budget (least recently used first out) or on disk as {@link RecordCodec}
 * streams, as their {@link StorageLevel} asks; {@link RddStorage} is what the storage page shows
 * about one persisted dataset, {@link PersistedDataset} the weak handle behind it;
 * {@link ScratchDirs} names, marks and sweeps the engine's scratch directories.
 */
package dev.kindling.engine.storage;
