/**
 * The engine's configuration. {@link EngineConf} reads Spark's and Kindling's keys once (durations,
 * sizes, defaults derived from the heap and the cores) and {@link MasterUrl} parses
 * {@code spark.master} ({@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]},
 * {@code local-cluster[E,C,M]}) into slots, executors and the task failure limit.
 */
package dev.kindling.engine.conf;
