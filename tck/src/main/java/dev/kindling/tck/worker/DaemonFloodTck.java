package dev.kindling.tck.worker;

/** The runnable binding of {@link DaemonFloodVerification} that {@code kindling-tck worker} discovers. */
public final class DaemonFloodTck extends DaemonFloodVerification {}
