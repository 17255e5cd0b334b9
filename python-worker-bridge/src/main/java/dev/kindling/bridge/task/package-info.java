/**
 * What the JVM writes on one task's socket. {@link TaskInput} writes the task header, the
 * broadcasts and the input frames, on a writer thread ({@link TaskIo}, {@link BlockingTaskIo});
 * {@link BroadcastDiff} says which broadcasts a (maybe reused) connection must add and which it may
 * remove; with encryption on, {@link BroadcastDecryptionServer} serves the added values to the
 * worker.
 */
package dev.kindling.bridge.task;
