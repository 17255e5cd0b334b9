package dev.kindling.gateway;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolConstants;
import dev.kindling.protocol.auth.SocketAuth;
import dev.kindling.protocol.conninfo.ConnInfo;
import dev.kindling.protocol.conninfo.ConnInfoPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The JVM's main class (role of Spark's {@code PythonGatewayServer} and, with {@code --submit},
 * of {@code deploy.PythonRunner}).
 *
 * <pre>
 *   gateway mode (Python first):            submit mode (JVM first):
 *     secret = SocketAuth.newSecret()          secret, Py4J server as on the left
 *     Py4J server on loopback:0                python app.py args with PYSPARK_GATEWAY_PORT/SECRET
 *     publish conn-info file (0600, rename)    wait for it, exit with its status
 *     block on stdin; EOF -> stop all, exit 0
 * </pre>
 *
 * <p>Implements CONN-2.2 (the file appears only once the server listens), CONN-3.3 (one line on
 * stderr and a non-zero status when binding or publishing fails), CONN-3.5 and GW-3.1 (stdin EOF
 * stops workers and exits within 2 s), GW-2.6 (the secret is generated here and only ever written
 * to the conn-info file or a child's environment).
 */
public final class KindlingGateway {
  /** Exit status when the server cannot bind or the conn-info file cannot be published. */
  static final int EXIT_STARTUP_FAILED = 1;
  /** Exit status for a usage error (missing environment variable or argument). */
  static final int EXIT_USAGE = 2;
  /** Total time allowed between stdin EOF and the end of the process (GW-3.1). */
  static final long SHUTDOWN_DEADLINE_MILLIS = 1_800;

  /**
   * System property that replaces port 0 by a fixed port. Only for tests that need a bind failure
   * (CONN-3.3); GW-1.2 asks for port 0 in normal use.
   */
  static final String PORT_PROPERTY = "kindling.gateway.port";

  private KindlingGateway() {}

  public static void main(String[] args) {
    int status;
    if (args.length > 0 && args[0].equals("--submit")) {
      status = SubmitRunner.run(Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.err);
    } else {
      status = runGateway(System.getenv(), System.in, System.err, true);
    }
    System.exit(status);
  }

  /** The worker profile: env {@code KINDLING_PROFILE}, else Kindling's default. */
  static Profile profileFrom(Map<String, String> env) {
    String p = env.get("KINDLING_PROFILE");
    return p == null || p.isBlank() ? Profile.DEFAULT : Profile.parse(p);
  }

  /**
   * Gateway mode; returns the exit status. Blocks until {@code stdin} ends.
   *
   * @param asMain also register a JVM shutdown hook (SIGTERM stops the workers too) and halt the
   *     process if stopping overruns {@link #SHUTDOWN_DEADLINE_MILLIS}; tests running in-process
   *     pass false
   */
  static int runGateway(Map<String, String> env, InputStream stdin, PrintStream err, boolean asMain) {
    String target = env.get(ProtocolConstants.Env.DRIVER_CONN_INFO_PATH);
    if (target == null || target.isEmpty()) {
      err.println("kindling-gateway: environment variable "
          + ProtocolConstants.Env.DRIVER_CONN_INFO_PATH + " is not set; nowhere to publish the Py4J port");
      return EXIT_USAGE;
    }
    Profile profile;
    try {
      profile = profileFrom(env);
    } catch (IllegalArgumentException e) {
      err.println("kindling-gateway: KINDLING_PROFILE: " + e.getMessage());
      return EXIT_USAGE;
    }
    String secret = SocketAuth.newSecret();
    KindlingEntryPoint entryPoint = new KindlingEntryPoint(profile);
    Py4JServer server;
    try {
      server = Py4JServer.start(entryPoint, secret,
          Py4JServer.pinnedFromEnv(env.get(ProtocolConstants.Env.PIN_THREAD)),
          Py4JHandshake.DEFAULT_MAX_LINE_BYTES, Integer.getInteger(PORT_PROPERTY, 0));
    } catch (IOException | RuntimeException e) {
      err.println("kindling-gateway: " + oneLine(e.getMessage()));
      entryPoint.close();
      return EXIT_STARTUP_FAILED;
    }
    Shutdown shutdown = new Shutdown(server, entryPoint);
    if (asMain) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        shutdown.run();
        killDescendants();
      }, "kindling-shutdown-hook"));
    }
    try {
      ConnInfoPublisher.publish(Path.of(target), new ConnInfo(server.port(), secret));
    } catch (IOException | RuntimeException e) {
      err.println("kindling-gateway: " + oneLine(e.getMessage()));
      shutdown.run();
      return EXIT_STARTUP_FAILED;
    }
    awaitEof(stdin);
    if (asMain) {
      shutdown.runWithDeadline(SHUTDOWN_DEADLINE_MILLIS);
    } else {
      shutdown.run();
    }
    return 0;
  }

  /** Blocks until {@code in} ends or fails (a broken pipe counts as the driver being gone). */
  static void awaitEof(InputStream in) {
    byte[] buf = new byte[256];
    try {
      while (in.read(buf) >= 0) {
        // The driver never writes (CONN-4.9); whatever arrives is ignored.
      }
    } catch (IOException e) {
      // Same as end of stream.
    }
  }

  static String oneLine(String s) {
    return s == null ? "unknown error" : s.replace('\n', ' ').replace('\r', ' ');
  }

  /** Stops the Py4J server and everything the entry point started, once. */
  static final class Shutdown {
    private final Py4JServer server;
    private final AutoCloseable root;
    private final AtomicBoolean done = new AtomicBoolean();

    Shutdown(Py4JServer server, AutoCloseable root) {
      this.server = server;
      this.root = root;
    }

    void run() {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      try {
        server.shutdown();
      } catch (RuntimeException ignored) {
        // Keep going: the workers must be stopped whatever Py4J does.
      }
      try {
        root.close();
      } catch (Exception ignored) {
        // Nothing more can be done while exiting.
      }
    }

    /**
     * Runs the shutdown; if it overruns the deadline, every process this JVM started is killed
     * and the JVM halts anyway (GW-3.1, CONN-3.5).
     */
    void runWithDeadline(long millis) {
      Thread watchdog = new Thread(() -> {
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          return;
        }
        killDescendants();
        Runtime.getRuntime().halt(0);
      }, "kindling-shutdown-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      run();
      killDescendants();
    }
  }

  /** Last resort against orphans: SIGKILL to every process below this JVM (workers, daemons). */
  static void killDescendants() {
    try {
      ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    } catch (RuntimeException ignored) {
      // Exiting regardless.
    }
  }
}
