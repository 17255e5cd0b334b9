package dev.kindling.tck.driver;

/**
 * The runnable driver verification that {@code kindling-tck driver} discovers: configured entirely
 * from the run's configuration parameters. Rule tests, and the driver program's contract, live in
 * {@link DriverRules}.
 */
public final class DriverTck extends DriverRules {}
