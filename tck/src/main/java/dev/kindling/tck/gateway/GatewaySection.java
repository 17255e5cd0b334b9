package dev.kindling.tck.gateway;

/**
 * What a section of gateway rules needs from the verification that runs it. Each section is an
 * interface whose default methods are the rule tests of one section of the specs;
 * {@link GatewayVerification} implements them all.
 */
interface GatewaySection {
  /** The gateway under test for the running check. */
  GatewayUnderTest gw();
}
