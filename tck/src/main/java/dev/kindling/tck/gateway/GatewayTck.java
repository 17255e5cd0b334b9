package dev.kindling.tck.gateway;

/**
 * The runnable gateway verification that {@code kindling-tck gateway} discovers: configured
 * entirely from the run's configuration parameters. Rule tests live in the sections
 * {@link GatewayVerification} implements.
 */
public final class GatewayTck extends GatewayVerification {}
