package dev.kindling.gateway;

/** The Kindling version string the entry point reports (GW-4.1). */
final class KindlingVersion {
  static final String FALLBACK = "0.1.0-SNAPSHOT";

  private KindlingVersion() {}

  static String get() {
    String v = KindlingVersion.class.getPackage().getImplementationVersion();
    return v != null ? v : FALLBACK;
  }
}
