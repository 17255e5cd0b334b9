package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.GatewayUnderTest.check;
import static dev.kindling.tck.py4j.Py4JReplies.ok;
import static dev.kindling.tck.py4j.Py4JReplies.ref;
import static dev.kindling.tck.py4j.Py4JReplies.string;

import dev.kindling.tck.conninfo.PublishedConnInfo;
import dev.kindling.tck.py4j.Py4JText;
import dev.kindling.tck.support.Procs;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** gateway.md section 1, server modes: the Py4J server kind (GW-1.1) and its binding (GW-1.2). */
interface ServerModeRules extends GatewaySection {
  /**
   * GW-1.1: the serving thread of a pinned {@code ClientServer} runs
   * {@code py4j.ClientServerConnection}, a {@code GatewayServer}'s runs {@code py4j.GatewayConnection}
   * (py4j 0.10.9.9). The default launch (no {@code PYSPARK_PIN_THREAD}) and {@code TrUe} must be the
   * former, {@code False} the latter; each extra JVM is stopped at the end.
   */
  @Test
  default void required_GW_1_1_pinnedThreadMode() throws IOException {
    Map<String, String> runEnv = gw().launchEnvironment(Map.of());
    String inherited = runEnv.containsKey("PYSPARK_PIN_THREAD") ? runEnv.get("PYSPARK_PIN_THREAD") : System.getenv("PYSPARK_PIN_THREAD");
    boolean pinned = inherited == null || inherited.equalsIgnoreCase("true");
    try (Socket s = gw().session()) {
      expectServerKind(s, pinned ? "ClientServer" : "GatewayServer",
          inherited == null ? "no PYSPARK_PIN_THREAD" : "PYSPARK_PIN_THREAD=" + inherited);
    }
    for (Map.Entry<String, String> mode : List.of(Map.entry("TrUe", "ClientServer"), Map.entry("False", "GatewayServer"))) {
      PublishedConnInfo other = gw().launch(Map.of("PYSPARK_PIN_THREAD", mode.getKey()));
      try (Socket s = gw().sessionTo(other)) {
        expectServerKind(s, mode.getValue(), "PYSPARK_PIN_THREAD=" + mode.getKey());
      } finally {
        other.process.close();
        GatewayUnderTest.deleteTree(other.dir);
      }
    }
  }

  /** GW-1.2: loopback only, and the secret is required (see GW-2.4). */
  @Test
  default void required_GW_1_2_loopbackOnly() {
    Assumptions.assumeTrue(Procs.available(), "needs /proc/net/tcp");
    int port = gw().published().port;
    List<String> addrs = Procs.listeningAddresses(port);
    check(!addrs.isEmpty(), "GW-1.2", "no listening socket on port " + port);
    for (String a : addrs) {
      check(Procs.isLoopbackHex(a), "GW-1.2", "Py4J port bound to non-loopback address " + a);
    }
  }

  /** Py4J's connection class on the serving thread's stack tells the server kind apart. */
  static String py4jServerKind(List<String> stackClasses) {
    boolean clientServer = stackClasses.contains("py4j.ClientServerConnection");
    boolean gatewayServer = stackClasses.contains("py4j.GatewayConnection");
    if (clientServer == gatewayServer) {
      return "unknown";
    }
    return clientServer ? "ClientServer" : "GatewayServer";
  }

  private static void expectServerKind(Socket s, String expected, String launchedWith) throws IOException {
    List<String> stack = servingThreadStack(s);
    String kind = py4jServerKind(stack);
    check(expected.equals(kind), "GW-1.1", "launched with " + launchedWith + ", the JVM serves Py4J as "
        + kind + " (the serving thread runs " + stack.stream().filter(c -> c.startsWith("py4j.")).distinct().toList()
        + "), expected a " + expected + (expected.equals("ClientServer")
            ? " (py4j.ClientServerConnection)" : " (py4j.GatewayConnection)"));
  }

  /**
   * The class names of the stack of the JVM thread that serves connection {@code s}:
   * {@code Thread.currentThread().getStackTrace()} through raw commands, then each element's
   * {@code getClassName()} through Py4J's array commands ({@code a e} length, {@code a g} get) —
   * Py4J cannot pass a {@code StackTraceElement[]} where {@code Arrays.toString(Object[])} wants an
   * {@code Object[]}.
   */
  private static List<String> servingThreadStack(Socket s) throws IOException {
    String thread = ref("GW-1.1", "java.lang.Thread.currentThread()", Py4JText.call(s, "z:java.lang.Thread", "currentThread"));
    String frames = ref("GW-1.1", "Thread.getStackTrace()", Py4JText.call(s, thread, "getStackTrace"));
    String len = ok("GW-1.1", "length of the stack trace array", Py4JText.arrayLength(s, frames));
    check(len.matches("i\\d+"), "GW-1.1", "length of the stack trace array is not an int: " + len);
    int n = Math.min(Integer.parseInt(len.substring(1)), 256);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String element = ref("GW-1.1", "stack trace element " + i, Py4JText.arrayGet(s, frames, i));
      names.add(string("GW-1.1", "getClassName() of stack trace element " + i, Py4JText.call(s, element, "getClassName")));
    }
    return names;
  }
}
