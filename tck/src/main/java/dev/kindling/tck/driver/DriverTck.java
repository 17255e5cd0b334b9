package dev.kindling.tck.driver;

/**
 * The runnable driver verification that {@code kindling-tck driver} discovers: configured entirely
 * from the run's configuration parameters. The driver program's contract is in
 * {@link DriverVerification}, the rule tests in the sections it implements.
 */
public final class DriverTck extends DriverVerification {}
