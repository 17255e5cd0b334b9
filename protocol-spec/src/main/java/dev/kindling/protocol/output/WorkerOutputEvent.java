package dev.kindling.protocol.output;

/**
 * One step of a worker's output, as {@link WorkerOutputDecoder#next()} returns them:
 * {@link DataFrame}* then either {@link Traceback}, or {@link Timing}, {@link Spill},
 * {@link Accumulators}, {@link End}.
 */
public sealed interface WorkerOutputEvent
    permits DataFrame, Timing, Spill, Accumulators, End, Traceback {}
