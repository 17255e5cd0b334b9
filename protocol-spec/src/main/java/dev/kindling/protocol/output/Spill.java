package dev.kindling.protocol.output;

/** Memory and disk bytes spilled, right after the timing longs (WRK-6.3). */
public record Spill(long memory, long disk) implements WorkerOutputEvent {}
