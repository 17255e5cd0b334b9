package dev.kindling.tck.conninfo;

import dev.kindling.tck.ConnInfoVerification;

/**
 * The runnable ConnInfoVerification that {@code kindling-tck conninfo} discovers: configured entirely from the run's
 * configuration parameters. Rule tests live in {@link ConnInfoVerification}.
 */
public final class ConnInfoTck extends ConnInfoVerification {}
