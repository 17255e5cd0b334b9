package dev.kindling.tck.engine;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.Capability;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.TckParameters;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * How to drive the engine under test, from the launch command ({@code <python> [args]}: the
 * interpreter that runs the TCK's driver script, with the engine's Python package importable) and
 * the run's parameters ({@code --config KEY=VALUE} or system properties):
 *
 * <ul>
 *   <li>{@value #LIBRARY}: {@code pyspark} or {@code kindling}, whose {@code SparkContext} the
 *       driver uses (default: {@code pyspark} if the interpreter can import it, else
 *       {@code kindling});
 *   <li>{@value #DELEGATE}: the real worker module the probe hands correct tasks to (default
 *       {@code pyspark.worker} or {@code kindling.worker});
 *   <li>{@value #MASTER}: the master URL (default {@code local[2]});
 *   <li>{@value #CONF}: extra Spark conf, {@code k=v,k2=v2};
 *   <li>{@value #ENV}: extra environment of the driver, {@code K=V,K2=V2};
 *   <li>{@value #SESSION_TIMEOUT}: the bound on one driver session (default 280000 ms);
 *   <li>{@value #RECORDS_DIR}: where the sessions' records go (default: the temporary directory;
 *       they are kept for inspection).
 * </ul>
 *
 * Declared capabilities select the modes: {@code daemonMode}, {@code simpleMode} (none: both).
 */
public final class EngineSetup {
  public static final String LIBRARY = "kindling.tck.engine.library";
  public static final String DELEGATE = "kindling.tck.engine.delegate";
  public static final String MASTER = "kindling.tck.engine.master";
  public static final String CONF = "kindling.tck.engine.conf";
  public static final String ENV = "kindling.tck.engine.env";
  public static final String SESSION_TIMEOUT = "kindling.tck.engine.sessionTimeoutMs";
  /** Where each session's records directory is created (default: the temporary directory). */
  public static final String RECORDS_DIR = "kindling.tck.engine.recordsDir";

  final List<String> driverCommand;
  final String library;
  final String delegate;
  final String master;
  final Map<String, String> conf;
  final Map<String, String> env;
  final Duration sessionTimeout;
  final boolean daemonMode;
  final boolean simpleMode;
  final Path recordsDir;

  private EngineSetup(
      List<String> driverCommand, String library, String delegate, String master,
      Map<String, String> conf, Map<String, String> env, Duration sessionTimeout,
      boolean daemonMode, boolean simpleMode, Path recordsDir) {
    this.driverCommand = List.copyOf(driverCommand);
    this.library = library;
    this.delegate = delegate;
    this.master = master;
    this.conf = Map.copyOf(conf);
    this.env = Map.copyOf(env);
    this.sessionTimeout = sessionTimeout;
    this.daemonMode = daemonMode;
    this.simpleMode = simpleMode;
    this.recordsDir = recordsDir;
  }

  static EngineSetup derive(TckConfig config, Function<String, Optional<String>> params) {
    List<String> cmd = new ArrayList<>(config.command());
    if (cmd.isEmpty()) {
      cmd.add(config.pythonExecutable());
    }
    String library =
        params.apply(LIBRARY).filter(s -> !s.isBlank()).orElseGet(() -> detectLibrary(cmd));
    String delegate =
        params.apply(DELEGATE).filter(s -> !s.isBlank())
            .orElse(library.equals("kindling") ? "kindling.worker" : "pyspark.worker");
    String master = params.apply(MASTER).filter(s -> !s.isBlank()).orElse("local[2]");
    Map<String, String> conf = TckParameters.pairs(params.apply(CONF).orElse(""));
    Map<String, String> env = TckParameters.pairs(params.apply(ENV).orElse(""));
    Duration timeout =
        TimeFactor.scale(Duration.ofMillis(params.apply(SESSION_TIMEOUT).map(Long::parseLong).orElse(280_000L)));
    Path records = params.apply(RECORDS_DIR).filter(x -> !x.isBlank()).map(Path::of).orElse(null);
    boolean d = config.has(Capability.DAEMON_MODE);
    boolean s = config.has(Capability.SIMPLE_MODE);
    boolean any = d || s;
    return new EngineSetup(
        cmd, library, delegate, master, conf, env, timeout, !any || d, !any || s, records);
  }

  private static String detectLibrary(List<String> cmd) {
    List<String> probe = new ArrayList<>(cmd);
    probe.add("-c");
    probe.add("import pyspark");
    try {
      Process p = new ProcessBuilder(probe).redirectErrorStream(true)
          .redirectOutput(new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null"))
          .start();
      if (!p.waitFor(TimeFactor.seconds(60), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "kindling";
      }
      return p.exitValue() == 0 ? "pyspark" : "kindling";
    } catch (Exception e) {
      return "kindling";
    }
  }

  /** Stable text for caching sessions per setup. */
  String key() {
    return driverCommand + "|" + library + "|" + delegate + "|" + master + "|" + conf + "|" + env;
  }

  @Override
  public String toString() {
    return "EngineSetup[driver=" + driverCommand + ", library=" + library + ", delegate=" + delegate
        + ", master=" + master + ", modes=" + (daemonMode ? "daemon " : "")
        + (simpleMode ? "simple" : "") + "]";
  }
}
