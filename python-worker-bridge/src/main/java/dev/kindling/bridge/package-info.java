/**
 * The JVM side of the worker protocol, and the bridge's public API. {@link BridgeConfig} reads
 * Spark's and Kindling's keys; a {@link WorkerFactory} (one per {@link WorkerKey}: Python
 * executable, modules and environment; {@link WorkerFactories} keeps one per key) hands out
 * workers, and a {@link PythonRunner} runs one task on one of them as a {@link PythonTaskRun}: it
 * writes the {@link TaskSpec}'s header and the input, yields the output frames, then the
 * {@link PythonTaskMetrics} and accumulator updates. Failures are {@link PythonWorkerException}s.
 * Starting and pooling worker processes is the {@code launch} package's concern, writing one
 * task's header and input the {@code task} package's.
 */
package dev.kindling.bridge;
