package dev.kindling.protocol.spec;

import java.util.Locale;

/** The party a rule binds, the first item of a rule's {@code {...}} block. */
public enum Role {
  DRIVER,
  JVM,
  WORKER,
  DAEMON,
  LAUNCHER,
  /** Binds every party; also the role of a rule without a {@code {...}} block. */
  ANY;

  /** The role as written in the specs, e.g. {@code "worker"}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a role as written in the specs; returns null when unknown. */
  static Role parseOrNull(String text) {
    for (Role r : values()) {
      if (r.id().equals(text)) {
        return r;
      }
    }
    return null;
  }
}
