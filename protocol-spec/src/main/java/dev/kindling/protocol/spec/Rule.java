package dev.kindling.protocol.spec;

import dev.kindling.protocol.Profile;
import java.util.Objects;
import java.util.Set;

/**
 * One normative rule of a spec, e.g. {@code **[WRK-6.2]** {worker, spark-4.2} The worker MUST ...}.
 *
 * @param id the stable id, e.g. {@code "WRK-6.2"}
 * @param level from the first RFC 2119 keyword of the text
 * @param role the party the rule binds ({@link Role#ANY} when the rule names none)
 * @param profiles the profiles the rule applies to; all of them when the rule names none
 * @param deviation whether the text documents a deliberate deviation ({@code Deviation:})
 * @param text the rule's text without the id and the {@code {...}} block, lines joined by spaces
 * @param file the spec file it came from, e.g. {@code "worker.md"}
 */
public record Rule(
    String id,
    Level level,
    Role role,
    Set<Profile> profiles,
    boolean deviation,
    String text,
    String file) {
  public Rule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(role, "role");
    profiles = Set.copyOf(profiles);
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(file, "file");
  }

  /** Whether the rule applies when speaking {@code profile}. */
  public boolean appliesTo(Profile profile) {
    return profiles.contains(profile);
  }
}
