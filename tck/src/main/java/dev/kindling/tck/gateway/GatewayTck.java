package dev.kindling.tck.gateway;

import dev.kindling.tck.GatewayVerification;

/**
 * The runnable GatewayVerification that {@code kindling-tck gateway} discovers: configured entirely from the run's
 * configuration parameters. Rule tests live in {@link GatewayVerification}.
 */
public final class GatewayTck extends GatewayVerification {}
