package dev.kindling.gateway;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolConstants;
import dev.kindling.protocol.auth.SocketAuth;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * JVM-first mode ({@code bin/kindling-submit app.py args}), the role of Spark's
 * {@code deploy.PythonRunner}: start the Py4J server in this JVM, run the Python driver with
 * {@code PYSPARK_GATEWAY_PORT}/{@code PYSPARK_GATEWAY_SECRET} in its environment (CONN-1.1 attach
 * mode), wait for it and exit with its status.
 *
 * <p>Signals: a JVM shutdown (SIGINT, SIGTERM, normal exit) terminates the Python driver (SIGTERM,
 * then SIGKILL after {@link #CHILD_GRACE_MILLIS}); a driver that dies by a signal makes the JVM
 * exit with 128 + signal, as a shell would report it. The driver learns the JVM's pid through
 * {@code _KINDLING_SUBMIT_PID} so that {@code kindling.java_gateway} can exit if the JVM is killed
 * outright and nothing else could stop it.
 */
final class SubmitRunner {
  static final long CHILD_GRACE_MILLIS = 1_500;
  static final String ENV_PYTHONPATH = "KINDLING_PYTHONPATH";
  static final String ENV_SUBMIT_PID = "_KINDLING_SUBMIT_PID";

  private SubmitRunner() {}

  static int run(String[] args, Map<String, String> env, PrintStream err) {
    if (args.length == 0) {
      err.println("kindling-submit: usage: kindling-submit app.py [args...]");
      return KindlingGateway.EXIT_USAGE;
    }
    Profile profile;
    try {
      profile = KindlingGateway.profileFrom(env);
    } catch (IllegalArgumentException e) {
      err.println("kindling-submit: KINDLING_PROFILE: " + e.getMessage());
      return KindlingGateway.EXIT_USAGE;
    }
    String secret = SocketAuth.newSecret();
    KindlingEntryPoint entryPoint = new KindlingEntryPoint(profile);
    Py4JServer server;
    try {
      server = Py4JServer.start(entryPoint, secret,
          Py4JServer.pinnedFromEnv(env.get(ProtocolConstants.Env.PIN_THREAD)));
    } catch (IOException | RuntimeException e) {
      err.println("kindling-submit: " + KindlingGateway.oneLine(e.getMessage()));
      entryPoint.close();
      return KindlingGateway.EXIT_STARTUP_FAILED;
    }
    KindlingGateway.Shutdown stopServer = new KindlingGateway.Shutdown(server, entryPoint);

    List<String> command = new ArrayList<>();
    command.add(pythonExec(env));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
    Map<String, String> childEnv = pb.environment();
    childEnv.remove(ProtocolConstants.Env.DRIVER_CONN_INFO_PATH);
    childEnv.put(ProtocolConstants.Env.GATEWAY_PORT, Integer.toString(server.port()));
    childEnv.put(ProtocolConstants.Env.GATEWAY_SECRET, secret);
    childEnv.put(ProtocolConstants.Env.PYTHON_UNBUFFERED, "YES");
    childEnv.put(ENV_SUBMIT_PID, Long.toString(ProcessHandle.current().pid()));
    String kindlingPath = env.get(ENV_PYTHONPATH);
    if (kindlingPath != null && !kindlingPath.isEmpty()) {
      String old = env.get("PYTHONPATH");
      childEnv.put("PYTHONPATH",
          old == null || old.isEmpty() ? kindlingPath : kindlingPath + File.pathSeparator + old);
    }

    Process child;
    try {
      child = pb.start();
    } catch (IOException e) {
      err.println("kindling-submit: cannot start the Python driver '" + command.get(0) + "': "
          + KindlingGateway.oneLine(e.getMessage()));
      stopServer.run();
      return KindlingGateway.EXIT_STARTUP_FAILED;
    }
    Thread hook = new Thread(() -> {
      stopChild(child);
      stopServer.run();
    }, "kindling-submit-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int status;
    try {
      status = child.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      status = 130;
    }
    stopChild(child);
    stopServer.run();
    return status;
  }

  /** conf is not read here: {@code PYSPARK_DRIVER_PYTHON}, {@code PYSPARK_PYTHON}, else python3. */
  static String pythonExec(Map<String, String> env) {
    for (String key : new String[] {"PYSPARK_DRIVER_PYTHON", "PYSPARK_PYTHON"}) {
      String v = env.get(key);
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "python3";
  }

  static void stopChild(Process child) {
    if (!child.isAlive()) {
      return;
    }
    child.destroy();
    try {
      if (!child.waitFor(CHILD_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
        child.destroyForcibly().waitFor(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
