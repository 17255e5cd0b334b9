package dev.kindling.tck.worker;

/**
 * The runnable worker verification that {@code kindling-tck worker} discovers: configured entirely
 * from the run's configuration parameters ({@code -- python -m <daemonModule> <workerModule>},
 * {@code --profile}, {@code --config kindling.tck.pythonpath=...}). Rule tests live in the
 * sections {@link WorkerVerification} implements.
 */
public final class WorkerTck extends WorkerVerification {}
