package dev.kindling.tck.gateway;

/** The runnable binding of {@link OneShotRaceVerification} that the CLI's {@code gateway} target discovers. */
public final class OneShotRaceTck extends OneShotRaceVerification {}
