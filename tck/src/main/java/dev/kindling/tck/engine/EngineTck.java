package dev.kindling.tck.engine;

/**
 * The runnable engine verification that {@code kindling-tck engine} discovers: configured entirely
 * from the run's configuration parameters ({@code -- <python> [args]}, {@code --profile},
 * {@code --config kindling.tck.engine.library=pyspark|kindling}, see {@link EngineSetup}). Rule
 * tests live in the sections {@link EngineVerification} implements.
 */
public final class EngineTck extends EngineVerification {}
