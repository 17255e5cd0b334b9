package dev.kindling.tck;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the implementation under test is and how to drive it: profile, launch command, Python
 * executable, timeouts and declared capabilities.
 *
 * <p>The CLI passes it to tests as JUnit Platform configuration parameters ({@link #toParameters});
 * when an implementer runs a verification from their own build, the same keys can be set as system
 * properties ({@code -Dkindling.tck.profile=spark-3.5}), or the verification overrides
 * {@link Verification#configure}. The environment variable {@value #TIMEOUT_ENV} overrides the
 * default timeout (for slow CI machines); an explicit {@value #TIMEOUT} wins over both.
 */
public final class TckConfig {
  public static final String TARGET = "kindling.tck.target";
  public static final String PROFILE = "kindling.tck.profile";
  /** The launch command, arguments separated by U+001F (or, when typed by hand, by whitespace). */
  public static final String COMMAND = "kindling.tck.command";
  public static final String PYTHON = "kindling.tck.python";
  public static final String TIMEOUT = "kindling.tck.timeoutMs";
  public static final String CAPABILITIES = "kindling.tck.capabilities";
  public static final String SEED = "kindling.tck.seed";
  /** Where rule levels come from: {@code bundled} (default), {@code none}, or a spec directory. */
  public static final String CATALOG = "kindling.tck.catalog";
  public static final String TIMEOUT_ENV = "KINDLING_TCK_TIMEOUT_MS";

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final String ARG_SEPARATOR = "\u001f";

  private final String target;
  private final Profile profile;
  private final List<String> command;
  private final String pythonExecutable;
  private final Duration timeout;
  private final Set<Capability> capabilities;
  private final OptionalLong seed;
  private final String catalog;

  private TckConfig(Builder b) {
    this.target = b.target;
    this.profile = b.profile;
    this.command = List.copyOf(b.command);
    this.pythonExecutable = b.pythonExecutable;
    this.timeout = b.timeout;
    this.capabilities = Collections.unmodifiableSet(b.capabilities.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(b.capabilities));
    this.seed = b.seed;
    this.catalog = b.catalog;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the configuration from {@code parameters} (JUnit configuration parameters, which fall
   * back to system properties) and {@code env} (for {@value #TIMEOUT_ENV}).
   *
   * @throws IllegalArgumentException naming the key whose value is malformed
   */
  public static TckConfig fromParameters(
      Function<String, Optional<String>> parameters, Map<String, String> env) {
    Builder b = builder();
    parameters.apply(TARGET).ifPresent(b::target);
    parameters.apply(PROFILE).ifPresent(p -> b.profile(Profile.parse(p)));
    parameters.apply(COMMAND).ifPresent(c -> b.command(splitCommand(c)));
    parameters.apply(PYTHON).ifPresent(b::pythonExecutable);
    String envTimeout = env.get(TIMEOUT_ENV);
    if (envTimeout != null && !envTimeout.isBlank()) {
      b.timeout(Duration.ofMillis(parseLong(TIMEOUT_ENV, envTimeout)));
    }
    parameters.apply(TIMEOUT).ifPresent(t -> b.timeout(Duration.ofMillis(parseLong(TIMEOUT, t))));
    parameters
        .apply(CAPABILITIES)
        .ifPresent(
            caps -> {
              for (String c : caps.split(",")) {
                if (!c.isBlank()) {
                  b.capability(Capability.parse(c));
                }
              }
            });
    parameters.apply(SEED).ifPresent(s -> b.seed(parseLong(SEED, s)));
    parameters.apply(CATALOG).ifPresent(b::catalog);
    return b.build();
  }

  /** The configuration as JUnit configuration parameters, the inverse of {@link #fromParameters}. */
  public Map<String, String> toParameters() {
    Map<String, String> p = new LinkedHashMap<>();
    if (target != null) {
      p.put(TARGET, target);
    }
    p.put(PROFILE, profile.id());
    p.put(COMMAND, String.join(ARG_SEPARATOR, command));
    p.put(PYTHON, pythonExecutable);
    p.put(TIMEOUT, Long.toString(timeout.toMillis()));
    p.put(CAPABILITIES, capabilities.stream().map(Capability::id).collect(Collectors.joining(",")));
    seed.ifPresent(s -> p.put(SEED, Long.toString(s)));
    p.put(CATALOG, catalog);
    return p;
  }

  private static List<String> splitCommand(String value) {
    if (value.isEmpty()) {
      return List.of();
    }
    if (value.contains(ARG_SEPARATOR)) {
      return Arrays.asList(value.split(ARG_SEPARATOR, -1));
    }
    List<String> out = new ArrayList<>();
    for (String s : value.trim().split("\\s+")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static long parseLong(String key, String value) {
    try {
      long v = Long.parseLong(value.trim());
      if (key.equals(TIMEOUT) || key.equals(TIMEOUT_ENV)) {
        if (v <= 0) {
          throw new IllegalArgumentException(key + " must be > 0, was '" + value + "'");
        }
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, was '" + value + "'", e);
    }
  }

  /** Which verification target the run selected ({@code worker}, ...), if run from the CLI. */
  public Optional<String> target() {
    return Optional.ofNullable(target);
  }

  public Profile profile() {
    return profile;
  }

  /** The command that starts the implementation under test; empty if none was given. */
  public List<String> command() {
    return command;
  }

  public String pythonExecutable() {
    return pythonExecutable;
  }

  /**
   * The timeout for every single wait (read, accept, process exit): the configured one times the
   * time factor ({@link TimeFactor}: {@code KINDLING_TIME_FACTOR} or {@code -Dkindling.time.factor}).
   */
  public Duration timeout() {
    return TimeFactor.scale(timeout);
  }

  public Set<Capability> capabilities() {
    return capabilities;
  }

  public boolean has(Capability capability) {
    return capabilities.contains(capability);
  }

  /** The property-test seed for the run, if one was fixed. */
  public OptionalLong seed() {
    return seed;
  }

  public String catalog() {
    return catalog;
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.target = target;
    b.profile = profile;
    b.command = new ArrayList<>(command);
    b.pythonExecutable = pythonExecutable;
    b.timeout = timeout;
    b.capabilities = capabilities.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(capabilities);
    b.seed = seed;
    b.catalog = catalog;
    return b;
  }

  @Override
  public String toString() {
    return "TckConfig" + toParameters();
  }

  /** Builds a {@link TckConfig}; defaults: profile spark-4.2, python3, 5 s, no capabilities. */
  public static final class Builder {
    private String target;
    private Profile profile = Profile.DEFAULT;
    private List<String> command = new ArrayList<>();
    private String pythonExecutable = "python3";
    private Duration timeout = DEFAULT_TIMEOUT;
    private Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
    private OptionalLong seed = OptionalLong.empty();
    private String catalog = "bundled";

    private Builder() {}

    public Builder target(String target) {
      this.target = target;
      return this;
    }

    public Builder profile(Profile profile) {
      this.profile = Objects.requireNonNull(profile, "profile");
      return this;
    }

    public Builder command(List<String> command) {
      this.command = new ArrayList<>(command);
      return this;
    }

    public Builder pythonExecutable(String python) {
      this.pythonExecutable = Objects.requireNonNull(python, "python");
      return this;
    }

    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be > 0: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    public Builder capability(Capability capability) {
      capabilities.add(capability);
      return this;
    }

    public Builder capabilities(Set<Capability> capabilities) {
      this.capabilities = capabilities.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(capabilities);
      return this;
    }

    public Builder seed(long seed) {
      this.seed = OptionalLong.of(seed);
      return this;
    }

    public Builder catalog(String catalog) {
      this.catalog = Objects.requireNonNull(catalog, "catalog");
      return this;
    }

    public TckConfig build() {
      return new TckConfig(this);
    }
  }
}
