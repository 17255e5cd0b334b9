/**
 * The shuffle between stages. A map task's {@link ShuffleWriter} buffers Kryo-encoded keyed records
 * in pages within the memory all map tasks share ({@link ShuffleMemoryPool}), spills sorted runs and
 * commits one data file and one index file per map output; {@link MapOutputTracker} records which
 * outputs exist ({@link MapStatus}); {@link ShuffleManager} owns the shuffle files and reads a reduce
 * partition back from every map output, raising {@link FetchFailedException} when one is missing or
 * damaged so that the scheduler recomputes it.
 */
package dev.kindling.engine.shuffle;
