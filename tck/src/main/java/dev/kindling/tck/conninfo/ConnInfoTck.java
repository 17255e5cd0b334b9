package dev.kindling.tck.conninfo;

/**
 * The runnable conn-info verification that {@code kindling-tck conninfo} discovers: configured
 * entirely from the run's configuration parameters. Rule tests live in {@link ConnInfoVerification}.
 */
public final class ConnInfoTck extends ConnInfoVerification {}
