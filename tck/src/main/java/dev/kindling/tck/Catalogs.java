package dev.kindling.tck;

import dev.kindling.protocol.spec.RuleCatalog;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Loads (once per source) the rule catalog named by {@link TckConfig#CATALOG}. */
public final class Catalogs {
  private static final Map<String, Optional<RuleCatalog>> CACHE = new ConcurrentHashMap<>();

  private Catalogs() {}

  /**
   * {@code bundled}: the specs packaged in protocol-spec, or none while they are not written yet;
   * {@code none}: no catalog; anything else: a directory holding the spec files. A malformed spec
   * throws, so a broken spec cannot silently turn into "no catalog".
   */
  public static Optional<RuleCatalog> get(String source) {
    return CACHE.computeIfAbsent(source, Catalogs::load);
  }

  private static Optional<RuleCatalog> load(String source) {
    switch (source) {
      case "none":
        return Optional.empty();
      case "bundled":
        for (String f : RuleCatalog.SPEC_FILES) {
          if (Catalogs.class.getClassLoader().getResource(RuleCatalog.RESOURCE_DIR + f) == null) {
            return Optional.empty();
          }
        }
        return Optional.of(RuleCatalog.load());
      default:
        return Optional.of(RuleCatalog.load(Path.of(source)));
    }
  }
}
