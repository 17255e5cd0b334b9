package dev.kindling.tck.worker;

import dev.kindling.tck.WorkerVerification;

/**
 * The runnable WorkerVerification that {@code kindling-tck worker} discovers: configured entirely from the run's
 * configuration parameters. Rule tests live in {@link WorkerVerification}.
 */
public final class WorkerTck extends WorkerVerification {}
