/**
 * The engine's front door and the vocabulary its packages share. {@link dev.kindling.engine.Engine}
 * creates datasets, runs jobs on a fixed pool of local slots and owns one store of each kind; a
 * {@link dev.kindling.engine.PartitionFunction} is the record function a task applies (the gateway
 * implements it with Python workers) and a {@link dev.kindling.engine.TaskContext} is what a running
 * task knows about itself; records are {@code byte[]} frames, {@code String} lines,
 * {@link dev.kindling.engine.KeyedRecord}s and {@link dev.kindling.engine.StringPair}s, spread over
 * partitions by a {@link dev.kindling.engine.Partitioner}; failures surface as
 * {@link dev.kindling.engine.EngineException}s. The machinery lives in the subpackages, one concern
 * each: {@code dataset} (the lineage graph), {@code scheduler}, {@code shuffle}, {@code storage},
 * {@code broadcast}, {@code accumulator}, {@code io} (file sources and sinks), {@code serve} (the
 * one-shot sockets), {@code status} (events, metrics, the status store) and {@code conf}. Their
 * classes are public only where another engine package needs them; the gateway uses this package,
 * {@code dataset.Dataset}, {@code serve.ServeHandle}, {@code conf}, {@code
 * accumulator.AccumulatorListener} and the views of {@code status} and {@code storage}.
 */
package dev.kindling.engine;
