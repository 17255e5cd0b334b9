package dev.kindling.tck;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The run's configuration parameters beyond {@link TckConfig}: the CLI's
 * {@code --config KEY=VALUE} entries, falling back to system properties. Injected into
 * {@code @BeforeEach} methods of the worker, conn-info and gateway verifications.
 */
public final class TckParameters {
  /** Module the daemon forks workers from, when the launch command does not say. */
  public static final String WORKER_MODULE = "kindling.tck.worker.module";
  /** Daemon module, when the launch command does not say. */
  public static final String DAEMON_MODULE = "kindling.tck.daemon.module";
  /** {@code pyspark} or {@code kindling}: whose broadcast/accumulator registries commands use. */
  public static final String LIBRARY = "kindling.tck.worker.library";
  /** Prepended to the PYTHONPATH of every process the TCK starts (path-separator separated). */
  public static final String PYTHONPATH = "kindling.tck.pythonpath";
  /** Extra environment of every process the TCK starts: {@code K=V,K2=V2}. */
  public static final String ENV = "kindling.tck.env";
  /** Gateway/launcher: the command that reads a conn-info file (CONN-4.x reader under test). */
  public static final String CONN_INFO_READER = "kindling.tck.conninfo.reader";

  private final Function<String, Optional<String>> lookup;

  public TckParameters(Function<String, Optional<String>> lookup) {
    this.lookup = lookup;
  }

  public Optional<String> get(String key) {
    return lookup.apply(key).filter(s -> !s.isBlank());
  }

  /** These parameters with {@code over} consulted first (a JUnit subclass pointing at its build). */
  public TckParameters withOverrides(Map<String, String> over) {
    return new TckParameters(k -> over.containsKey(k) ? Optional.of(over.get(k)) : lookup.apply(k));
  }

  /** The {@value #ENV} entries, in order. */
  public Map<String, String> env() {
    return pairs(get(ENV).orElse(""));
  }

  /** Parses {@code K=V,K2=V2} (keys trimmed, values as given; entries without a key skipped). */
  public static Map<String, String> pairs(String text) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String kv : text.split(",")) {
      int eq = kv.indexOf('=');
      if (eq > 0) {
        m.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
      }
    }
    return m;
  }

  /** The JUnit extension that injects {@link TckParameters}. */
  public static final class Resolver implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == TckParameters.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return new TckParameters(context::getConfigurationParameter);
    }
  }
}
