package dev.kindling.protocol.spec;

/** A rule's strength, from the first RFC 2119 keyword in its text. */
public enum Level {
  /** MUST, MUST NOT, REQUIRED, SHALL, SHALL NOT. */
  MUST,
  /** SHOULD, SHOULD NOT, RECOMMENDED, NOT RECOMMENDED. */
  SHOULD,
  /** MAY, OPTIONAL. */
  MAY;

  /** Maps an RFC 2119 keyword (upper case, as written in the specs) to its level. */
  static Level ofKeyword(String keyword) {
    switch (keyword) {
      case "MUST":
      case "MUST NOT":
      case "REQUIRED":
      case "SHALL":
      case "SHALL NOT":
        return MUST;
      case "SHOULD":
      case "SHOULD NOT":
      case "RECOMMENDED":
      case "NOT RECOMMENDED":
        return SHOULD;
      case "MAY":
      case "OPTIONAL":
        return MAY;
      default:
        throw new IllegalArgumentException("not an RFC 2119 keyword: " + keyword);
    }
  }
}
