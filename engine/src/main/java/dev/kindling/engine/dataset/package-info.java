/**
 * The lineage graph. A {@link Dataset} is one node: a partitioned collection that computes any of
 * its partitions from its parents through its {@link Dependency}s (narrow or shuffle) and offers
 * the transformations and actions. Each transformation is one small subclass (map, pairwise,
 * values, union, coalesce, zip, shuffled) and so are the in-memory sources (parallelize, range,
 * empty); the file sources extend {@code Dataset} from the {@code io} package. Also here: walking a
 * lineage ({@link Lineage}) and the preferred locations that decide how {@code coalesce} groups
 * partitions ({@link Locality}, {@link CacheLocations}, {@link PartitionCoalescer}).
 */
package dev.kindling.engine.dataset;
