/**
 * Accumulator updates. Tasks queue opaque update blobs in their context; once the driver accepts a
 * task's result, {@link AccumulatorRegistry} hands the task's list, exactly once, to every
 * {@link AccumulatorListener} (the gateway forwards them to the Python driver). Failed and killed
 * attempts' updates are dropped.
 */
package dev.kindling.engine.accumulator;
