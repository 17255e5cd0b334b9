package dev.kindling.gateway;

import dev.kindling.protocol.Profile;

/**
 * The Py4J entry point (object id {@code t}) that Python drivers code against.
 *
 * <p>Implements GW-4.1.
 */
public final class KindlingEntryPoint implements AutoCloseable {
  private final Profile profile;

  public KindlingEntryPoint(Profile profile) {
    this.profile = profile;
  }

  /** The Kindling version string. */
  public String version() {
    return KindlingVersion.get();
  }

  /** The worker profile id in use, e.g. {@code "spark-4.2"}. */
  public String protocolProfile() {
    return profile.id();
  }

  /** Stops everything the entry point started; idempotent. */
  @Override
  public void close() {
    // Phase 1: nothing is started yet.
  }
}
