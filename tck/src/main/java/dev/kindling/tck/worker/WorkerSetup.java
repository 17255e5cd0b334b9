package dev.kindling.tck.worker;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolConstants.Env;
import dev.kindling.tck.Capability;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.TckParameters;
import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to start the worker under test, derived from the launch command and the run's parameters.
 *
 * <p>{@code python [flags] -m DAEMON WORKER} is a daemon command (its worker module is WORKER);
 * {@code python [flags] -m MODULE} is a simple-mode worker unless MODULE ends in {@code daemon}.
 * Either way the other mode's command is derived when its module is known. Declared capabilities
 * ({@code daemonMode}, {@code simpleMode}, {@code reuse}) restrict the modes; with none declared,
 * every derivable mode is tested and reuse is assumed in daemon mode.
 */
public final class WorkerSetup {
  final String python;
  final List<String> daemonCommand;
  final List<String> simpleCommand;
  final String library;
  final boolean daemonMode;
  final boolean simpleMode;
  final boolean reuse;
  final Map<String, String> extraEnv;
  final String pythonPath;

  private WorkerSetup(
      String python, List<String> daemonCommand, List<String> simpleCommand, String library,
      boolean daemonMode, boolean simpleMode, boolean reuse, Map<String, String> extraEnv,
      String pythonPath) {
    this.python = python;
    this.daemonCommand = daemonCommand;
    this.simpleCommand = simpleCommand;
    this.library = library;
    this.daemonMode = daemonMode;
    this.simpleMode = simpleMode;
    this.reuse = reuse;
    this.extraEnv = extraEnv;
    this.pythonPath = pythonPath;
  }

  static WorkerSetup derive(TckConfig config, TckParameters params) {
    List<String> cmd = config.command();
    int m = cmd.indexOf("-m");
    String python = cmd.isEmpty() ? config.pythonExecutable() : cmd.get(0);
    List<String> prefix = m >= 0 ? cmd.subList(0, m) : List.of(python);
    if (m < 0 && !looksLikePython(python)) {
      python = config.pythonExecutable();
    }
    String modA = m >= 0 && m + 1 < cmd.size() ? cmd.get(m + 1) : null;
    String modB = m >= 0 && m + 2 < cmd.size() ? cmd.get(m + 2) : null;
    boolean aIsDaemon = modA != null && (modB != null || modA.endsWith("daemon"));
    String daemonModule = params.get(TckParameters.DAEMON_MODULE).orElse(aIsDaemon ? modA : null);
    String workerModule =
        params.get(TckParameters.WORKER_MODULE).orElse(aIsDaemon ? modB : modA);
    boolean declaredDaemon = config.has(Capability.DAEMON_MODE);
    boolean declaredSimple = config.has(Capability.SIMPLE_MODE);

    List<String> daemonCommand = null;
    if (daemonModule != null) {
      daemonCommand = new ArrayList<>(prefix);
      daemonCommand.add("-m");
      daemonCommand.add(daemonModule);
      if (workerModule != null) {
        daemonCommand.add(workerModule);
      }
    } else if (m < 0 && declaredDaemon && !declaredSimple) {
      daemonCommand = cmd;
    }
    List<String> simpleCommand = null;
    if (workerModule != null) {
      simpleCommand = new ArrayList<>(prefix);
      simpleCommand.add("-m");
      simpleCommand.add(workerModule);
    } else if (m < 0 && declaredSimple && !declaredDaemon) {
      simpleCommand = cmd;
    }
    boolean anyDeclared = declaredDaemon || declaredSimple;
    boolean daemonMode = daemonCommand != null && (!anyDeclared || declaredDaemon);
    boolean simpleMode = simpleCommand != null && (!anyDeclared || declaredSimple);
    boolean reuse = config.has(Capability.REUSE) || (config.capabilities().isEmpty() && daemonMode);

    String module = workerModule != null ? workerModule : daemonModule != null ? daemonModule : "";
    String library =
        params.get(TckParameters.LIBRARY).orElse(module.startsWith("pyspark") ? "pyspark" : "kindling");
    Map<String, String> extraEnv = params.env();
    String pythonPath = params.get(TckParameters.PYTHONPATH).orElse(null);
    return new WorkerSetup(
        python, daemonCommand, simpleCommand, library, daemonMode, simpleMode, reuse, extraEnv,
        pythonPath);
  }

  private static boolean looksLikePython(String exe) {
    String name = new File(exe).getName();
    return name.startsWith("python");
  }

  /** The environment of WRK-3.1 (and WRK-3.2 on spark-4.2 and spark-4.3) for a worker or daemon. */
  Map<String, String> environment(Profile profile, String secret, boolean withReuse) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(Env.PYTHON_UNBUFFERED, "YES");
    env.put(Env.AUTH_SOCKET_TIMEOUT, "15");
    env.put(Env.BUFFER_SIZE, "65536");
    env.put(Env.PYTHON_HASH_SEED, "0");
    env.put(Env.WORKER_FACTORY_SECRET, secret);
    env.put(Env.KINDLING_PROFILE, profile.id());
    if (profile == Profile.SPARK_4_2 || profile == Profile.SPARK_4_3) {
      env.put(Env.PYTHON_RUNTIME, "PYTHON_WORKER");
    }
    if (withReuse) {
      env.put(Env.REUSE_WORKER, "1");
    }
    env.putAll(processEnvironment());
    return env;
  }

  /** PYTHONPATH and extra variables for every process the TCK starts (also the command builder). */
  Map<String, String> processEnvironment() {
    Map<String, String> env = new LinkedHashMap<>(extraEnv);
    if (pythonPath != null) {
      String existing = System.getenv("PYTHONPATH");
      env.put(
          "PYTHONPATH",
          existing == null || existing.isEmpty()
              ? pythonPath
              : pythonPath + File.pathSeparator + existing);
    }
    return env;
  }

  @Override
  public String toString() {
    return "WorkerSetup[python=" + python + ", daemon=" + daemonCommand + ", simple=" + simpleCommand
        + ", library=" + library + ", modes=" + (daemonMode ? "daemon " : "")
        + (simpleMode ? "simple " : "") + (reuse ? "reuse" : "") + "]";
  }
}
