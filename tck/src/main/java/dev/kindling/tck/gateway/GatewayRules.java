package dev.kindling.tck.gateway;

import dev.kindling.tck.GatewayVerification;
import dev.kindling.tck.conninfo.PublishedConnInfo;
import dev.kindling.tck.property.Gen;
import dev.kindling.tck.property.Gens;
import dev.kindling.tck.property.Property;
import dev.kindling.tck.property.PropertyFailure;
import dev.kindling.tck.worker.Procs;
import dev.kindling.tck.worker.RuleFailure;
import dev.kindling.tck.worker.TckParameters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway rules whose role is {@code launcher}, checked with raw sockets against the running
 * JVM's Py4J port (found through the conn-info file it publishes): authentication (GW-2), binding
 * (GW-1.2), lifecycle (GW-3.1) and the entry point's {@code version()} / {@code protocolProfile()}
 * (GW-4.1) as raw Py4J text commands.
 *
 * <p>"No command ran" is proven with a side effect: the probe command is
 * {@code System.setProperty(k, "1")} (a static call, {@code c\nz:java.lang.System\nsetProperty...});
 * afterwards an authenticated connection reads {@code getProperty(k)}, which must be null. The
 * same probe run after a right secret must set the property, so the check cannot pass vacuously.
 */
@ExtendWith(TckParameters.Resolver.class)
public abstract class GatewayRules extends GatewayVerification {
  private TckParameters params;
  private PublishedConnInfo launched;

  protected Map<String, String> parameterOverrides() {
    return Map.of();
  }

  @BeforeEach
  final void readParameters(TckParameters fromRun) {
    Map<String, String> over = parameterOverrides();
    params = new TckParameters(k -> over.containsKey(k) ? Optional.of(over.get(k)) : fromRun.get(k));
  }

  protected Duration publishWait() {
    Duration t = config().timeout();
    return t.compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : t;
  }

  final PublishedConnInfo gateway() {
    if (launched == null) {
      Assumptions.assumeTrue(!gatewayCommand().isEmpty(), "no gateway command (give it after '--')");
      Map<String, String> env = new LinkedHashMap<>();
      env.put("KINDLING_PROFILE", profile().id());
      params.get(TckParameters.ENV).ifPresent(s -> {
        for (String kv : s.split(",")) {
          int eq = kv.indexOf('=');
          if (eq > 0) {
            env.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
          }
        }
      });
      launched = PublishedConnInfo.launch(env(), gatewayCommand(), env, publishWait());
    }
    return launched;
  }

  static void check(boolean ok, String rule, String message) {
    if (!ok) {
      throw new RuleFailure(rule, message);
    }
  }

  // -- raw Py4J ---------------------------------------------------------------------------------

  final Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway().port), 2000);
    s.setSoTimeout((int) config().timeout().toMillis());
    return s;
  }

  static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
  }

  /** One reply line without its LF; null at end of stream. */
  static String readLine(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c;
      try {
        c = in.read();
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        c = -1; // reset by the peer counts as closed
      }
      if (c < 0) {
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
      }
      if (c == '\n') {
        return b.toString(StandardCharsets.UTF_8);
      }
      b.write(c);
    }
  }

  /** True when the peer closes (or resets) within the timeout without sending more. */
  static boolean closedAfter(Socket s) throws IOException {
    try {
      int c = s.getInputStream().read();
      return c < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  static String auth(String secret) {
    return "A\n" + secret + "\n";
  }

  static String setProperty(String key) {
    return "c\nz:java.lang.System\nsetProperty\ns" + key + "\ns1\ne\n";
  }

  /** Value of a system property through an authenticated connection ("!yn" is null). */
  final String getProperty(String key) throws IOException {
    try (Socket s = connect()) {
      send(s, auth(gateway().secret));
      check("!yv".equals(readLine(s)), "GW-2.2", "the right secret was not accepted");
      send(s, "c\nz:java.lang.System\ngetProperty\ns" + key + "\ne\n");
      return readLine(s);
    }
  }

  /** Sends {@code text} on a new connection; expects an error line (or a close) and no side effect. */
  private void expectRejectedWithoutEffect(String rule, String prefix, boolean errorLineRequired) throws IOException {
    String key = "kindling.tck.probe." + UUID.randomUUID();
    try (Socket s = connect()) {
      send(s, prefix + setProperty(key));
      String line = readLine(s);
      if (errorLineRequired) {
        check(line != null && line.startsWith("!x"), rule, "reply " + line + ", expected an error line starting !x");
      } else {
        check(line == null || line.startsWith("!x"), rule, "reply " + line + ", expected an error line or a close");
      }
      check(closedAfter(s), rule, "the connection stayed open after the rejection");
    }
    String v = getProperty(key);
    check("!yn".equals(v), rule, "the command sent on the rejected connection ran (property now " + v + ")");
  }

  // -- tests ------------------------------------------------------------------------------------

  /** GW-5.1 .. 5.7: the context/dataset/action contract needs a Python driver (python/tests). */
  @Test
  void untested_GW_5_1_singleContextAndMasters() {}

  @Test
  void untested_GW_5_2_perThreadLocalProperties() {}

  @Test
  void untested_GW_5_3_stopCleansUp() {}

  @Test
  void untested_GW_5_4_pythonDatasetHeader() {}

  @Test
  void untested_GW_5_5_resultsOnlyThroughServersOrFiles() {}

  @Test
  void untested_GW_5_6_jobFailureMessage() {}

  @Test
  void untested_GW_5_7_accumulatorUpdatesOncePerTask() {}

  /** GW-1.1: ClientServer vs GatewayServer cannot be told apart from a raw socket. */
  @Test
  void untested_GW_1_1_pinnedThreadMode() {}

  /** GW-1.2: loopback only, and the secret is required (see GW-2.4). */
  @Test
  void required_GW_1_2_loopbackOnly() {
    Assumptions.assumeTrue(Procs.available(), "needs /proc/net/tcp");
    List<String> addrs = Procs.listeningAddresses(gateway().port);
    check(!addrs.isEmpty(), "GW-1.2", "no listening socket on port " + gateway().port);
    for (String a : addrs) {
      check(Procs.isLoopbackHex(a), "GW-1.2", "Py4J port bound to non-loopback address " + a);
    }
  }

  /** GW-2.2: the right secret gets exactly "!yv" and the connection stays open for commands. */
  @Test
  void required_GW_2_2_rightSecretAccepted() throws IOException {
    String key = "kindling.tck.probe." + UUID.randomUUID();
    try (Socket s = connect()) {
      send(s, auth(gateway().secret));
      String line = readLine(s);
      check("!yv".equals(line), "GW-2.2", "reply " + line + " to the right secret, expected !yv");
      send(s, setProperty(key));
      String r = readLine(s);
      check(r != null && r.startsWith("!y"), "GW-2.2", "a command after authentication got " + r);
    }
    check("!ys1".equals(getProperty(key)), "GW-2.2", "the probe command did not take effect after the right secret");
  }

  /** GW-2.3: a wrong or empty secret: error line, close, the next command never runs (property). */
  @Test
  void required_GW_2_3_wrongSecretRejected() {
    String right = gateway().secret;
    Gen<String> wrong = Gens.oneOf(
        Gens.constant(""),
        Gens.integers(0, right.length() - 1).map(i -> {
          char[] c = right.toCharArray();
          c[i] = c[i] == 'a' ? 'b' : 'a';
          return new String(c);
        }),
        Gens.constant(right.substring(0, right.length() - 1)),
        Gens.strings(40).filter(x -> !x.contains("\n")));
    try {
      Property.forAll(wrong.filter(w -> !w.equals(right))).tries(5).maxShrinkAttempts(10)
          .checkAssert(w -> expectRejectedWithoutEffect("GW-2.3", auth(w), true));
    } catch (PropertyFailure f) {
      throw new RuleFailure("GW-2.3", f.getMessage(), f);
    }
  }

  /** GW-2.4: a command before authentication is not executed: error line and close. */
  @Test
  void required_GW_2_4_commandBeforeAuthRejected() throws IOException {
    expectRejectedWithoutEffect("GW-2.4", "", true);
  }

  /** GW-2.5: a secret line longer than maxGatewayLineBytes is rejected without executing anything. */
  @Test
  void required_GW_2_5_oversizedSecretLineRejected() throws IOException {
    expectRejectedWithoutEffect("GW-2.5", "A\n" + "a".repeat(65_537) + "\n", false);
  }

  /** GW-2.6: the secret is not in the JVM's command line nor on its standard error. */
  @Test
  void required_GW_2_6_secretNotInCommandLineOrLogs() {
    PublishedConnInfo g = gateway();
    if (Procs.available()) {
      check(!Procs.cmdline(g.process.process().pid()).contains(g.secret), "GW-2.6", "secret in the JVM's command line");
    }
    check(!g.process.stderrTail().contains(g.secret), "GW-2.6", "secret written to the JVM's standard error");
  }

  /** GW-3.1: stdin end of stream: the JVM exits within 2 s. */
  @Test
  void required_GW_3_1_exitWithinTwoSecondsOfStdinEof() throws IOException, InterruptedException {
    PublishedConnInfo g = gateway();
    g.process.stdin().close();
    check(g.process.process().waitFor(2500, TimeUnit.MILLISECONDS), "GW-3.1",
        "the JVM did not exit within 2 s of stdin end of stream");
  }

  /** GW-4.1: version() and protocolProfile() on the entry point {@code t}. */
  @Test
  void required_GW_4_1_versionAndProfile() throws IOException {
    try (Socket s = connect()) {
      send(s, auth(gateway().secret));
      check("!yv".equals(readLine(s)), "GW-2.2", "the right secret was not accepted");
      send(s, "c\nt\nversion\ne\n");
      String v = readLine(s);
      check(v != null && v.startsWith("!ys") && v.length() > 3, "GW-4.1", "version() returned " + v);
      send(s, "c\nt\nprotocolProfile\ne\n");
      String p = readLine(s);
      check(("!ys" + profile().id()).equals(p), "GW-4.1",
          "protocolProfile() returned " + p + ", expected " + profile().id() + " (launched with KINDLING_PROFILE)");
    }
  }

  /**
   * GW-4.2: an entry-point error reaches the client as a Py4J error whose message is one sentence:
   * {@code createContext({"spark.master": "bogus[7]"})} (rejected by GW-5.1) through raw commands
   * ({@code i\njava.util.HashMap}, {@code put}, {@code createContext}, then {@code getMessage} on
   * the returned throwable reference).
   */
  @Test
  void required_GW_4_2_errorsAreOneSentence() throws IOException {
    try (Socket s = connect()) {
      send(s, auth(gateway().secret));
      check("!yv".equals(readLine(s)), "GW-2.2", "the right secret was not accepted");
      send(s, "i\njava.util.HashMap\ne\n");
      String map = readLine(s);
      Assumptions.assumeTrue(map != null && map.startsWith("!y") && map.length() > 3,
          "the gateway does not construct java.util.HashMap: " + map);
      String ref = map.substring(3);
      send(s, "c\n" + ref + "\nput\nsspark.master\nsbogus[7]\ne\n");
      readLine(s);
      send(s, "c\nt\ncreateContext\nr" + ref + "\ne\n");
      String err = readLine(s);
      check(err != null && err.startsWith("!x"), "GW-4.2",
          "createContext with spark.master bogus[7] did not fail as a Py4J error: " + err);
      String message;
      if (err.startsWith("!xr")) {
        send(s, "c\n" + err.substring(3) + "\ngetMessage\ne\n");
        String m = readLine(s);
        check(m != null && m.startsWith("!ys"), "GW-4.2", "the error has no message: " + m);
        message = m.substring(3);
      } else {
        message = err.length() > 3 ? err.substring(3) : "";
      }
      check(!message.isBlank(), "GW-4.2", "empty error message");
      check(!message.contains("\\n"), "GW-4.2", "the message spans several lines: " + message);
      check(!message.matches("^[\\w.$]+(Exception|Error)(:.*)?$"), "GW-4.2",
          "the message is an exception class name, not a sentence: " + message);
      check(message.length() <= 400, "GW-4.2", "the message is longer than a sentence: " + message);
    }
  }
}
