package dev.kindling.protocol.output;

/**
 * The longs after TIMING_DATA (WRK-6.2, WRK-6.2.1): boot, init and finish in epoch milliseconds,
 * and on spark-4.2 and spark-4.3 the processing time in milliseconds ({@code null} on other profiles).
 */
public record Timing(long boot, long init, long finish, Long processing) implements WorkerOutputEvent {}
