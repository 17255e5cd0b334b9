package dev.kindling.tck.driver;

/**
 * What a section of driver rules needs from the verification that runs it. Each section is an
 * interface whose default methods are the rule tests of one section of the specs;
 * {@link DriverVerification} implements them all.
 */
interface DriverSection {
  /** The driver under test for the running check. */
  DriverUnderTest drv();
}
