package dev.kindling.tck.engine;

import dev.kindling.tck.EngineVerification;

/**
 * The runnable EngineVerification that {@code kindling-tck engine} discovers: configured entirely from the run's
 * configuration parameters. Rule tests live in {@link EngineVerification}.
 */
public final class EngineTck extends EngineVerification {}
