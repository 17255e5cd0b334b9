package dev.kindling.tck.driver;

/**
 * The runnable driver verification, configured from the run's parameters; rule tests live in
 * {@link DriverRules}. Not a CLI target yet: run it from a build (JUnit) or subclass it.
 */
public final class DriverTck extends DriverRules {}
