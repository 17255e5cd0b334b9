package dev.kindling.tck.gateway;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.GatewayVerification;
import dev.kindling.tck.Capability;
import dev.kindling.tck.NothingObserved;
import dev.kindling.tck.conninfo.PublishedConnInfo;
import dev.kindling.tck.property.Gen;
import dev.kindling.tck.property.Gens;
import dev.kindling.tck.property.Property;
import dev.kindling.tck.property.PropertyFailure;
import dev.kindling.tck.py4j.Py4JText;
import dev.kindling.tck.support.Procs;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.TckParameters;
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
    params = fromRun.withOverrides(parameterOverrides());
  }

  protected Duration publishWait() {
    Duration t = config().timeout();
    Duration floor = TimeFactor.scale(Duration.ofSeconds(30));
    return t.compareTo(floor) < 0 ? floor : t;
  }

  final PublishedConnInfo gateway() {
    if (launched == null) {
      Assumptions.assumeTrue(!gatewayCommand().isEmpty(), "no gateway command (give it after '--')");
      launched = PublishedConnInfo.launch(env(), gatewayCommand(), launchEnvironment(Map.of()), publishWait());
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
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway().port), (int) TimeFactor.millis(2000));
    s.setSoTimeout((int) config().timeout().toMillis());
    return s;
  }

  // The raw Py4J client is the TCK's one (Py4JText); these forward to it.

  static void send(Socket s, String text) throws IOException {
    Py4JText.send(s, text);
  }

  /** One reply line without its LF; null at end of stream. */
  static String readLine(Socket s) throws IOException {
    return Py4JText.readLine(s);
  }

  /** True when the peer closes (or resets) within the timeout without sending more. */
  static boolean closedAfter(Socket s) throws IOException {
    return Py4JText.closedAfter(s);
  }

  static String auth(String secret) {
    return Py4JText.auth(secret);
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
  void stochastic_GW_3_1_exitWithinTwoSecondsOfStdinEof() throws IOException, InterruptedException {
    // A gateway of its own: a rerun (stochastic tier) needs one whose stdin is still open.
    PublishedConnInfo g = PublishedConnInfo.launch(env(), gatewayCommand(), launchEnvironment(Map.of()), publishWait());
    g.process.stdin().close();
    // GW-3.1's bound is 2 s; the 500 ms of slack on top of it scale with the time factor.
    check(g.process.process().waitFor(2000 + TimeFactor.millis(500), TimeUnit.MILLISECONDS), "GW-3.1",
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
      NothingObserved.unless(map != null && map.startsWith("!y") && map.length() > 3,
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

  // -- GW-1.1 and the one-shot servers of WRK-9.1..9.3 -----------------------------------------

  /** The conf of a context for the one-shot server checks; {@code extra} added. */
  static String createContextWith(Socket s, Map<String, String> extra) throws IOException {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[2]");
    conf.put("spark.app.name", "kindling-tck");
    conf.putAll(extra);
    return call(s, "t", "createContext", "r" + javaMap(s, conf));
  }

  /** The environment {@link #gateway()} launches with, plus {@code extra}. */
  private Map<String, String> launchEnvironment(Map<String, String> extra) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("KINDLING_PROFILE", profile().id());
    env.putAll(params.env());
    env.putAll(extra);
    return env;
  }

  /** An authenticated raw Py4J connection to another launched gateway. */
  private Socket sessionTo(PublishedConnInfo g) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), g.port), (int) TimeFactor.millis(2000));
    s.setSoTimeout((int) config().timeout().toMillis());
    send(s, auth(g.secret));
    check("!yv".equals(readLine(s)), "GW-2.2", "the right secret was not accepted");
    return s;
  }

  /**
   * The class names of the stack of the JVM thread that serves connection {@code s}:
   * {@code Thread.currentThread().getStackTrace()} through raw commands, then each element's
   * {@code getClassName()} through Py4J's array commands ({@code a e} length, {@code a g} get) —
   * Py4J cannot pass a {@code StackTraceElement[]} where {@code Arrays.toString(Object[])} wants an
   * {@code Object[]}.
   */
  static List<String> servingThreadStack(Socket s) throws IOException {
    String thread = ref("GW-1.1", "java.lang.Thread.currentThread()", call(s, "z:java.lang.Thread", "currentThread"));
    String frames = ref("GW-1.1", "Thread.getStackTrace()", call(s, thread, "getStackTrace"));
    send(s, "a\ne\n" + frames + "\ne\n");
    String len = ok("GW-1.1", "length of the stack trace array", readLine(s));
    check(len.matches("i\\d+"), "GW-1.1", "length of the stack trace array is not an int: " + len);
    int n = Math.min(Integer.parseInt(len.substring(1)), 256);
    List<String> names = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      send(s, "a\ng\n" + frames + "\ni" + i + "\ne\n");
      String element = ref("GW-1.1", "stack trace element " + i, readLine(s));
      names.add(string("GW-1.1", "getClassName() of stack trace element " + i, call(s, element, "getClassName")));
    }
    return names;
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
   * GW-1.1: the serving thread of a pinned {@code ClientServer} runs
   * {@code py4j.ClientServerConnection}, a {@code GatewayServer}'s runs {@code py4j.GatewayConnection}
   * (py4j 0.10.9.9). The default launch (no {@code PYSPARK_PIN_THREAD}) and {@code TrUe} must be the
   * former, {@code False} the latter; each extra JVM is stopped at the end.
   */
  @Test
  void required_GW_1_1_pinnedThreadMode() throws IOException {
    Map<String, String> runEnv = launchEnvironment(Map.of());
    String inherited = runEnv.containsKey("PYSPARK_PIN_THREAD") ? runEnv.get("PYSPARK_PIN_THREAD") : System.getenv("PYSPARK_PIN_THREAD");
    boolean pinned = inherited == null || inherited.equalsIgnoreCase("true");
    try (Socket s = session()) {
      expectServerKind(s, pinned ? "ClientServer" : "GatewayServer",
          inherited == null ? "no PYSPARK_PIN_THREAD" : "PYSPARK_PIN_THREAD=" + inherited);
    }
    for (Map.Entry<String, String> mode : List.of(Map.entry("TrUe", "ClientServer"), Map.entry("False", "GatewayServer"))) {
      PublishedConnInfo other = PublishedConnInfo.launch(env(), gatewayCommand(),
          launchEnvironment(Map.of("PYSPARK_PIN_THREAD", mode.getKey())), publishWait());
      try (Socket s = sessionTo(other)) {
        expectServerKind(s, mode.getValue(), "PYSPARK_PIN_THREAD=" + mode.getKey());
      } finally {
        other.process.close();
        deleteTree(other.dir);
      }
    }
  }

  private static void deleteTree(java.nio.file.Path dir) throws IOException {
    if (!java.nio.file.Files.exists(dir)) {
      return;
    }
    try (var st = java.nio.file.Files.walk(dir)) {
      st.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Reads a stream to its end with the socket's timeout; a timeout fails {@code rule}. */
  private static byte[] drain(Socket c, String rule, String what) throws IOException {
    try {
      return c.getInputStream().readAllBytes();
    } catch (SocketTimeoutException e) {
      throw new RuleFailure(rule, what + ": the server did not close the connection within the timeout", e);
    } catch (IOException e) {
      return new byte[0]; // reset: closed
    }
  }

  private static final List<byte[]> SAMPLE = List.of("alpha".getBytes(StandardCharsets.UTF_8), new byte[0],
      new byte[] {0, (byte) 0x80, (byte) 0xff, 10, 13}, "omega".repeat(50).getBytes(StandardCharsets.UTF_8),
      "tail".getBytes(StandardCharsets.UTF_8));

  /** A {@code parallelizeFile} dataset of {@code items} in {@code slices} partitions; its id. */
  private static String parallelized(Socket s, String rule, String ctx, java.nio.file.Path dir, List<byte[]> items,
      int slices) throws IOException {
    java.nio.file.Path file = java.nio.file.Files.createTempFile(dir, "frames-", "");
    java.nio.file.Files.write(file, OneShotStreams.frames(items));
    return ref(rule, "parallelizeFile", call(s, ctx, "parallelizeFile", "s" + py4jEscape(file.toString()), "i" + slices));
  }

  /** {@code [port, secret, handle]} of {@code runJobAndServe(ds, partitions)}. */
  private static Object[] runJobAndServe(Socket s, String rule, String ctx, String ds, List<Integer> partitions)
      throws IOException {
    List<String> typed = partitions.stream().map(p -> "i" + p).toList();
    return serveInfo(s, rule, "runJobAndServe" + partitions,
        call(s, ctx, "runJobAndServe", "r" + ds, "r" + javaList(s, typed)));
  }

  /** Connects and authenticates to a one-shot server; a refusal fails {@code rule}. */
  private Socket oneShotClient(String rule, Object[] info) throws IOException {
    Socket c = env().connect((Integer) info[0]);
    String reply = OneShotServerChecks.authenticate(c, (String) info[1]);
    check("ok".equals(reply), rule, "the one-shot server answered the right secret with " + reply + ", expected ok");
    return c;
  }

  /** {@code handle.getResult()} answers within the timeout (a hang fails {@code rule}); the raw reply. */
  private static String result(Socket s, String rule, String handle, String after) throws IOException {
    try {
      String r = call(s, handle, "getResult");
      check(r != null, rule, "the gateway closed the connection on ServeHandle.getResult() " + after);
      return r;
    } catch (SocketTimeoutException e) {
      throw new RuleFailure(rule, "ServeHandle.getResult() " + after + " did not return within the timeout", e);
    }
  }

  /**
   * WRK-9.1 for the three one-shot servers of the actions (collectAndServe, runJobAndServe,
   * toLocalIteratorAndServe): bound to loopback, silent until the client's secret (a wrong secret
   * is GW-5.5's check), exactly one connection (another one, while the first is served and after,
   * gets nothing even with the right secret), both sockets closed after serving, and no more
   * accepting after {@code spark.python.authenticate.socketTimeout} (2 s here) without a client.
   */
  @Test
  void required_WRK_9_1_oneShotServerAcceptsOneClientThenCloses() throws IOException, InterruptedException {
    Duration acceptTimeout = Duration.ofSeconds(2);
    Duration quiet = TimeFactor.scale(Duration.ofMillis(400));
    java.nio.file.Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      String ctx = ref("WRK-9.1", "createContext(spark.python.authenticate.socketTimeout=2s)",
          createContextWith(s, Map.of("spark.python.authenticate.socketTimeout", "2s")));
      String ds = parallelized(s, "WRK-9.1", ctx, dir, SAMPLE, 2);
      for (String action : List.of("collectAndServe", "runJobAndServe", "toLocalIteratorAndServe")) {
        Object[] info = action.equals("runJobAndServe")
            ? runJobAndServe(s, "WRK-9.1", ctx, ds, List.of(1, 0))
            : serveInfo(s, "WRK-9.1", action, call(s, ctx, action, "r" + ds));
        int port = (Integer) info[0];
        String secret = (String) info[1];
        if (Procs.available()) {
          OneShotServerChecks.loopbackOnly(port);
        }
        try (Socket c = env().connect(port)) {
          OneShotServerChecks.silentBeforeSecret(c, quiet);
          String reply = OneShotServerChecks.authenticate(c, secret);
          check("ok".equals(reply), "WRK-9.1", action + ": the one-shot server answered the right secret with " + reply);
          OneShotServerChecks.otherClientGetsNothing(port, secret, quiet, "while the first client of " + action + " is served");
          if (action.equals("toLocalIteratorAndServe")) {
            OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
            for (int i = 0; i <= 2 && it.next().partition(); i++) {
              // two partitions, then i32 0
            }
            it.expectClosed("after the server's i32 0 (no more partitions)");
          } else {
            drain(c, "WRK-9.1", action + ": after the last element");
          }
        }
        OneShotServerChecks.otherClientGetsNothing(port, secret, quiet, "after the client of " + action + " was served");
        ok("WRK-9.1", action + ": ServeHandle.getResult()", result(s, "WRK-9.1", (String) info[2], "after serving"));
      }
      Object[] idle = serveInfo(s, "WRK-9.1", "collectAndServe", call(s, ctx, "collectAndServe", "r" + ds));
      long opened = System.nanoTime();
      if (Procs.available()) {
        OneShotServerChecks.loopbackOnly((Integer) idle[0]); // still listening: the check below is not vacuous
      }
      Duration margin = TimeFactor.scale(Duration.ofMillis(1500));
      long wait = acceptTimeout.plus(margin).toNanos() - (System.nanoTime() - opened);
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      OneShotServerChecks.gaveUpAccepting((Integer) idle[0], (String) idle[1], acceptTimeout, margin);
      result(s, "WRK-9.1", (String) idle[2], "after the accept timeout");
      ok("WRK-9.1", "stop()", call(s, ctx, "stop"));
    } finally {
      deleteTree(dir);
    }
  }

  /** One generated collect case: frames and how many partitions to spread them over. */
  record FramesCase(List<byte[]> items, int slices) {
    @Override
    public String toString() {
      return items.size() + " frames of " + items.stream().map(b -> b.length).toList() + " bytes in " + slices + " slices";
    }
  }

  /** Frames: mostly small, some empty, some up to 64 KiB (filled from a seed so they shrink by size). */
  static Gen<byte[]> frameGen() {
    Gen<byte[]> large = Gens.zip(Gens.integers(0, 64 << 10), Gens.longs(), (n, seed) -> {
      byte[] b = new byte[n];
      new java.util.SplittableRandom(seed).nextBytes(b);
      return b;
    });
    return Gens.frequency(Gens.weighted(6, Gens.bytes(0, 24)), Gens.weighted(2, Gens.constant(new byte[0])),
        Gens.weighted(1, large));
  }

  static Gen<FramesCase> framesCases(int maxFrames, int maxSlices) {
    return Gens.zip(Gens.lists(frameGen(), 0, maxFrames), Gens.integers(1, maxSlices), FramesCase::new);
  }

  /** Runs a property over the gateway; a failure carries the rule its cause names. */
  private static <T> void property(String rule, Gen<T> gen, int tries, Property.CheckedConsumer<T> body) {
    try {
      Property.forAll(gen).tries(tries).maxShrinkAttempts(25).shrinkTime(TimeFactor.scale(Duration.ofSeconds(20))).checkAssert(body);
    } catch (PropertyFailure f) {
      String broken = f.result().error().filter(e -> e instanceof RuleFailure).map(e -> ((RuleFailure) e).rule()).orElse(rule);
      throw new RuleFailure(broken, f.getMessage(), f);
    }
  }

  /** The elements of a collect-like server, with the stream checked to end right after them. */
  private List<byte[]> collectOf(Socket s, String rule, Object[] info, List<byte[]> expected, String what)
      throws IOException {
    try (Socket c = oneShotClient(rule, info)) {
      OneShotStreams.expectCollect(c.getInputStream(), expected, what);
    }
    ok(rule, what + ": ServeHandle.getResult()", result(s, rule, (String) info[2], "after " + what));
    return expected;
  }

  /** Every element of a collect-like server, read to end of stream (no expectation on contents). */
  private List<byte[]> elementsOf(Socket s, String rule, Object[] info, String what) throws IOException {
    byte[] all;
    try (Socket c = oneShotClient(rule, info)) {
      all = drain(c, rule, what);
    }
    ok(rule, what + ": ServeHandle.getResult()", result(s, rule, (String) info[2], "after " + what));
    List<byte[]> out = new java.util.ArrayList<>();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(all);
    while (b.remaining() >= 4) {
      int n = b.getInt();
      check(n >= 0 && n <= b.remaining(), rule, what + ": length " + n + " at offset " + (b.position() - 4)
          + " with " + b.remaining() + " bytes left");
      byte[] e = new byte[n];
      b.get(e);
      out.add(e);
    }
    check(!b.hasRemaining(), rule, what + ": " + b.remaining() + " stray bytes at the end of the stream");
    return out;
  }

  private static List<byte[]> concat(List<List<byte[]>> parts) {
    List<byte[]> all = new java.util.ArrayList<>();
    parts.forEach(all::addAll);
    return all;
  }

  private static boolean sameFrames(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * WRK-9.2 (property): {@code collectAndServe} of a {@code parallelizeFile} dataset streams exactly
   * its frames, in order, then end of stream (no terminator); {@code runJobAndServe} returns the
   * listed partitions, in the listed order (each partition's contents taken from a one-partition
   * run, and all of them together must be the dataset).
   */
  @Test
  void required_WRK_9_2_collectStreamsEveryFrameThenEnds() throws IOException {
    java.nio.file.Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      String ctx = ref("WRK-9.2", "createContext", createContextWith(s, Map.of()));
      Gen<List<Integer>> orderSeeds = Gens.lists(Gens.integers(0, 1000), 0, 6);
      property("WRK-9.2", Gens.zip(framesCases(12, 6), orderSeeds, Map::entry), 8, c -> {
        FramesCase fc = c.getKey();
        String ds = parallelized(s, "WRK-9.2", ctx, dir, fc.items(), fc.slices());
        collectOf(s, "WRK-9.2", serveInfo(s, "WRK-9.2", "collectAndServe", call(s, ctx, "collectAndServe", "r" + ds)),
            fc.items(), "collectAndServe of " + fc);
        int n = Integer.parseInt(ok("WRK-9.2", "numPartitions()", call(s, ds, "numPartitions")).substring(1));
        List<List<byte[]>> parts = new java.util.ArrayList<>();
        for (int p = 0; p < n; p++) {
          parts.add(elementsOf(s, "WRK-9.2", runJobAndServe(s, "WRK-9.2", ctx, ds, List.of(p)), "runJobAndServe([" + p + "])"));
        }
        check(sameFrames(concat(parts), fc.items()), "WRK-9.2", "runJobAndServe of each partition in turn does not "
            + "give the dataset's frames in order: " + parts.stream().map(List::size).toList() + " elements per partition for " + fc);
        // A permutation of a subset of the partitions, drawn from the generated numbers.
        List<Integer> order = new java.util.ArrayList<>();
        for (int k : c.getValue()) {
          int p = n == 0 ? -1 : k % n;
          if (p >= 0 && !order.contains(p)) {
            order.add(p);
          }
        }
        List<byte[]> expected = concat(order.stream().map(parts::get).toList());
        collectOf(s, "WRK-9.2", runJobAndServe(s, "WRK-9.2", ctx, ds, order), expected,
            "runJobAndServe(" + order + ") of " + fc);
      });
      ok("WRK-9.2", "stop()", call(s, ctx, "stop"));
    } finally {
      deleteTree(dir);
    }
  }

  /** Text lines for textFile: any code points but line breaks and a leading byte-order mark. */
  static Gen<List<String>> textLines() {
    Gen<Integer> cp = Gens.codePoints().filter(c -> c != '\n' && c != '\r' && c != 0xFEFF);
    return Gens.lists(Gens.frequency(Gens.weighted(5, Gens.strings(cp, 0, 30)),
        Gens.weighted(1, Gens.strings(Gens.integers(0x80, 0x7ff), 1, 8)),
        Gens.weighted(1, Gens.strings(Gens.integers(0x1F300, 0x1F64F), 1, 4))), 0, 15);
  }

  /**
   * WRK-9.2 (property): a {@code string} dataset ({@code textFile} of UTF-8 lines, non-ASCII
   * included, split over 1..4 partitions) collects as one {@code utf} frame per line, in order.
   */
  @Test
  void required_WRK_9_2_collectOfTextIsUtfFrames() throws IOException {
    java.nio.file.Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      String ctx = ref("WRK-9.2", "createContext", createContextWith(s, Map.of()));
      property("WRK-9.2", Gens.zip(textLines(), Gens.integers(1, 4), Map::entry), 8, c -> {
        java.nio.file.Path file = java.nio.file.Files.createTempFile(dir, "lines-", ".txt");
        StringBuilder text = new StringBuilder();
        c.getKey().forEach(l -> text.append(l).append('\n'));
        java.nio.file.Files.writeString(file, text, StandardCharsets.UTF_8);
        String ds = ref("WRK-9.2", "textFile", call(s, ctx, "textFile", "s" + py4jEscape(file.toString()), "i" + c.getValue()));
        List<byte[]> expected = c.getKey().stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
        collectOf(s, "WRK-9.2", serveInfo(s, "WRK-9.2", "collectAndServe", call(s, ctx, "collectAndServe", "r" + ds)),
            expected, "collectAndServe of textFile(" + c.getKey().size() + " lines, minPartitions " + c.getValue() + ")");
      });
      ok("WRK-9.2", "stop()", call(s, ctx, "stop"));
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * WRK-9.3 (property): {@code i32 1} per partition gets {@code i32 1}, that partition's elements
   * (as {@code runJobAndServe([p])} gives them) and {@code i32 -1}; after the last partition
   * {@code i32 0} and close. A client that stops early ({@code i32 0} after the first partition,
   * or before any request) makes the server close without another byte, and
   * {@code ServeHandle.getResult()} returns.
   */
  @Test
  void required_WRK_9_3_localIteratorServesPartitionsOnRequest() throws IOException {
    java.nio.file.Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      String ctx = ref("WRK-9.3", "createContext", createContextWith(s, Map.of()));
      property("WRK-9.3", framesCases(10, 5), 6, fc -> {
        String ds = parallelized(s, "WRK-9.3", ctx, dir, fc.items(), fc.slices());
        int n = Integer.parseInt(ok("WRK-9.3", "numPartitions()", call(s, ds, "numPartitions")).substring(1));
        Object[] info = serveInfo(s, "WRK-9.3", "toLocalIteratorAndServe", call(s, ctx, "toLocalIteratorAndServe", "r" + ds));
        List<List<byte[]>> parts = new java.util.ArrayList<>();
        try (Socket c = oneShotClient("WRK-9.3", info)) {
          OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
          while (true) {
            OneShotStreams.Answer a = it.next();
            if (a.status() == 0) {
              break;
            }
            check(a.partition(), "WRK-9.3", "partition " + parts.size() + " of " + fc + " answered i32 -1 (error)\ntrace:\n" + it.trace());
            parts.add(a.elements());
            check(parts.size() <= n, "WRK-9.3", "more than numPartitions() = " + n + " partitions served\ntrace:\n" + it.trace());
          }
          check(parts.size() == n, "WRK-9.3", "i32 0 after " + parts.size() + " of " + n + " partitions\ntrace:\n" + it.trace());
          it.expectClosed("after the server's i32 0 (no more partitions)");
          check(sameFrames(concat(parts), fc.items()), "WRK-9.3", "the partitions together are not the dataset's frames in order ("
              + parts.stream().map(List::size).toList() + " elements per partition for " + fc + ")\ntrace:\n" + it.trace());
        }
        ok("WRK-9.3", "ServeHandle.getResult()", result(s, "WRK-9.3", (String) info[2], "after the last partition"));
        for (int p = 0; p < n; p++) {
          List<byte[]> one = elementsOf(s, "WRK-9.3", runJobAndServe(s, "WRK-9.3", ctx, ds, List.of(p)), "runJobAndServe([" + p + "])");
          check(sameFrames(one, parts.get(p)), "WRK-9.3", "the local iterator's partition " + p + " has " + parts.get(p).size()
              + " elements, runJobAndServe([" + p + "]) " + one.size() + " (" + fc + ")");
        }
      });

      String ds = parallelized(s, "WRK-9.3", ctx, dir, SAMPLE, 3);
      Object[] early = serveInfo(s, "WRK-9.3", "toLocalIteratorAndServe", call(s, ctx, "toLocalIteratorAndServe", "r" + ds));
      try (Socket c = oneShotClient("WRK-9.3", early)) {
        OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
        check(it.next().partition(), "WRK-9.3", "the first of 3 partitions was not served\ntrace:\n" + it.trace());
        it.stop();
        it.expectClosed("after the client's i32 0 (stop)");
      }
      result(s, "WRK-9.3", (String) early[2], "after the client stopped early");
      Object[] none = serveInfo(s, "WRK-9.3", "toLocalIteratorAndServe", call(s, ctx, "toLocalIteratorAndServe", "r" + ds));
      try (Socket c = oneShotClient("WRK-9.3", none)) {
        OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
        it.stop();
        it.expectClosed("after the client's i32 0 before any request");
      }
      result(s, "WRK-9.3", (String) none[2], "after the client stopped before any request");
      ok("WRK-9.3", "stop()", call(s, ctx, "stop"));
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * WRK-9.3: a partition whose job fails is answered {@code i32 -1} in place of {@code i32 1}, the
   * server closes, and the error (the Python exception) is then reachable through the gateway
   * ({@code ServeHandle.getResult()}). Skipped, like GW-5.6, unless the configured Python runs the
   * gateway's workers.
   */
  @Test
  void required_WRK_9_3_failingPartitionAnswersMinusOne() throws IOException, InterruptedException {
    List<String> cmds = buildCommands(List.of("identity", "raise_at:0"));
    java.nio.file.Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      String ctx = ref("WRK-9.3", "createContext", createContextWith(s, Map.of("spark.master", "local[1]")));
      String ds = parallelized(s, "WRK-9.3", ctx, dir, List.of("x".getBytes(StandardCharsets.UTF_8)), 2);
      String id = ref("WRK-9.3", "pythonDataset(identity)", pythonDataset(s, ctx, ds, cmds.get(1), cmds.get(0)));
      String good = call(s, ctx, "collectAndServe", "r" + id);
      NothingObserved.unless(good != null && good.startsWith("!y"),
          "the gateway cannot run Python workers with " + pythonExecutable()
              + " (set --python and kindling.tck.pythonpath): " + errorMessage(s, good));
      String bad = ref("WRK-9.3", "pythonDataset(raise)", pythonDataset(s, ctx, ds, cmds.get(2), cmds.get(0)));
      Object[] info = serveInfo(s, "WRK-9.3", "toLocalIteratorAndServe", call(s, ctx, "toLocalIteratorAndServe", "r" + bad));
      try (Socket c = oneShotClient("WRK-9.3", info)) {
        OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
        // The one element sits in one of the two partitions; an empty partition may be served first.
        OneShotStreams.Answer a = it.next();
        for (int i = 0; i < 2 && a.partition(); i++) {
          check(a.elements().isEmpty(), "WRK-9.3", "a partition whose command raises at its first element was served with "
              + a.elements().size() + " elements\ntrace:\n" + it.trace());
          a = it.next();
        }
        check(a.status() == -1, "WRK-9.3", "the partition whose job failed was answered i32 " + a.status()
            + ", expected -1\ntrace:\n" + it.trace());
        it.expectClosed("after the server's i32 -1 (error)");
      }
      String r = result(s, "WRK-9.3", (String) info[2], "after the error");
      check(r.startsWith("!x"), "WRK-9.3", "ServeHandle.getResult() after i32 -1 did not raise: " + r);
      String m = errorMessage(s, r);
      check(m.contains("kindling-tck boom at element 0"), "WRK-9.3",
          "the error reachable through the gateway does not carry the Python exception: " + m);
      ok("WRK-9.3", "stop()", call(s, ctx, "stop"));
    } finally {
      deleteTree(dir);
    }
  }

  // -- GW-5: the entry-point contract through raw Py4J text -------------------------------------

  /** Escapes a Py4J string value (backslash, CR, LF; nothing else). */
  static String py4jEscape(String v) {
    return Py4JText.escape(v);
  }

  static String py4jUnescape(String v) {
    return Py4JText.unescape(v);
  }

  /** A new connection, authenticated with the published secret. */
  final Socket session() throws IOException {
    Socket s = connect();
    send(s, auth(gateway().secret));
    check("!yv".equals(readLine(s)), "GW-2.2", "the right secret was not accepted");
    return s;
  }

  /** {@code c <target> <method> <typed args...> e}; the raw reply line. */
  static String call(Socket s, String target, String method, String... typedArgs) throws IOException {
    return Py4JText.call(s, target, method, typedArgs);
  }

  /** The value part of a success reply ({@code !y<type><value>} → {@code <type><value>}). */
  static String ok(String rule, String what, String reply) {
    check(reply != null && reply.startsWith("!y"), rule, what + " failed: " + reply);
    return reply.substring(2);
  }

  /** The object id of a reference reply ({@code !yro3}, {@code !ylo4} → {@code o3}, {@code o4}). */
  static String ref(String rule, String what, String reply) {
    String v = ok(rule, what, reply);
    check(v.length() > 1 && "rlaht".indexOf(v.charAt(0)) >= 0, rule, what + " did not return an object: " + reply);
    return v.substring(1);
  }

  /** The message of an error reply ({@code !xr<id>}: the throwable's {@code getMessage()}). */
  static String errorMessage(Socket s, String reply) throws IOException {
    if (reply != null && reply.startsWith("!xr")) {
      String m = call(s, reply.substring(3), "getMessage");
      return m != null && m.startsWith("!ys") ? py4jUnescape(m.substring(3)) : String.valueOf(m);
    }
    return reply == null ? "(connection closed)" : py4jUnescape(reply.length() > 3 ? reply.substring(3) : reply);
  }

  /** A {@code java.util.HashMap} built on the JVM with {@code put} calls; its object id. */
  static String javaMap(Socket s, Map<String, String> entries) throws IOException {
    String reply = Py4JText.construct(s, "java.util.HashMap");
    NothingObserved.unless(reply != null && reply.startsWith("!y") && reply.length() > 3,
        "the gateway does not construct java.util.HashMap: " + reply);
    String id = reply.substring(3);
    for (Map.Entry<String, String> e : entries.entrySet()) {
      call(s, id, "put", "s" + py4jEscape(e.getKey()), "s" + py4jEscape(e.getValue()));
    }
    return id;
  }

  /** {@code t.createContext(conf)}: the raw reply. */
  static String createContext(Socket s, String master) throws IOException {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", master);
    conf.put("spark.app.name", "kindling-tck");
    return call(s, "t", "createContext", "r" + javaMap(s, conf));
  }

  static String string(String rule, String what, String reply) {
    String v = ok(rule, what, reply);
    check(v.startsWith("s"), rule, what + " did not return a string: " + reply);
    return py4jUnescape(v.substring(1));
  }

  /** {@code [port, secret, handle]} returned by an action or {@code parallelizeServer}. */
  static Object[] serveInfo(Socket s, String rule, String what, String reply) throws IOException {
    String list = ref(rule, what, reply);
    String port = ok(rule, what + "[0]", call(s, list, "get", "i0"));
    check(port.startsWith("i"), rule, what + "[0] is not an int port: " + port);
    String secret = string(rule, what + "[1]", call(s, list, "get", "i1"));
    String handle = ref(rule, what + "[2]", call(s, list, "get", "i2"));
    return new Object[] {Integer.parseInt(port.substring(1)), secret, handle};
  }

  /** GW-5.1: one context at a time; local, local[N], local[*] accepted; a bad master named. */
  @Test
  void required_GW_5_1_oneContextAndLocalMasters() throws IOException {
    try (Socket s = session()) {
      String bad = "bogus[7]";
      String r = createContext(s, bad);
      check(r != null && r.startsWith("!x"), "GW-5.1", "createContext accepted spark.master " + bad + ": " + r);
      String m = errorMessage(s, r);
      check(m.contains(bad), "GW-5.1", "the error for spark.master " + bad + " does not name the value: " + m);
      for (String master : List.of("local", "local[2]", "local[*]")) {
        String ctx = ref("GW-5.1", "createContext(spark.master=" + master + ")", createContext(s, master));
        ok("GW-5.1", "stop()", call(s, ctx, "stop"));
      }
      String first = ref("GW-5.1", "createContext(spark.master=local[2])", createContext(s, "local[2]"));
      String second = createContext(s, "local[2]");
      check(second != null && second.startsWith("!x"), "GW-5.1",
          "a second createContext while one is running succeeded: " + second);
      String msg = errorMessage(s, second);
      check(msg.toLowerCase(java.util.Locale.ROOT).matches("(?s).*(already|running|active|exist|one context).*"),
          "GW-5.1", "the refusal of a second context does not say one is running: " + msg);
      ok("GW-5.1", "stop()", call(s, first, "stop"));
      ok("GW-5.1", "createContext after stop()", createContext(s, "local"));
    }
  }

  /** GW-5.2: local properties and the job group are per connection (= per driver thread). */
  @Test
  void required_GW_5_2_localPropertiesPerThread() throws IOException {
    try (Socket a = session(); Socket b = session()) {
      String ctx = ref("GW-5.2", "createContext", createContext(a, "local[2]"));
      String key = "kindling.tck." + UUID.randomUUID();
      ok("GW-5.2", "setLocalProperty on thread A", call(a, ctx, "setLocalProperty", "s" + key, "sfrom-a"));
      String seenByB = ok("GW-5.2", "getLocalProperty on thread B", call(b, ctx, "getLocalProperty", "s" + key));
      check("n".equals(seenByB), "GW-5.2", "thread B sees thread A's local property: " + seenByB);
      ok("GW-5.2", "setLocalProperty on thread B", call(b, ctx, "setLocalProperty", "s" + key, "sfrom-b"));
      check("from-a".equals(string("GW-5.2", "getLocalProperty on A", call(a, ctx, "getLocalProperty", "s" + key))),
          "GW-5.2", "thread A's local property changed when thread B set its own");
      check("from-b".equals(string("GW-5.2", "getLocalProperty on B", call(b, ctx, "getLocalProperty", "s" + key))),
          "GW-5.2", "thread B's local property was not kept");
      ok("GW-5.2", "setJobGroup on thread A", call(a, ctx, "setJobGroup", "sgroup-a", "sdescription", "bfalse"));
      String group = "spark.jobGroup.id";
      String onA = ok("GW-5.2", "getLocalProperty(" + group + ") on A", call(a, ctx, "getLocalProperty", "s" + group));
      if ("sgroup-a".equals(onA)) { // Spark's key for the job group; otherwise not observable here
        String onB = ok("GW-5.2", "getLocalProperty(" + group + ") on B", call(b, ctx, "getLocalProperty", "s" + group));
        check("n".equals(onB), "GW-5.2", "thread B sees thread A's job group: " + onB);
      }
      ok("GW-5.2", "stop()", call(a, ctx, "stop"));
    }
  }

  /** GW-5.3: stop() deletes the context's temporary directory (with what the driver wrote in it). */
  @Test
  void required_GW_5_3_stopDeletesTempDir() throws IOException {
    try (Socket s = session()) {
      String ctx = ref("GW-5.3", "createContext", createContext(s, "local[2]"));
      java.nio.file.Path dir = java.nio.file.Path.of(string("GW-5.3", "tempDir()", call(s, ctx, "tempDir")));
      check(java.nio.file.Files.isDirectory(dir), "GW-5.3", "tempDir() " + dir + " is not a directory");
      java.nio.file.Files.write(dir.resolve("tck-written-by-driver"), new byte[] {1, 2, 3});
      ok("GW-5.3", "stop()", call(s, ctx, "stop"));
      check(!java.nio.file.Files.exists(dir), "GW-5.3", "tempDir() " + dir + " still exists after stop()");
      String again = call(s, ctx, "isStopped");
      check("!ybtrue".equals(again), "GW-5.3", "isStopped() after stop() returned " + again);
    }
  }

  private static byte[] frames(List<byte[]> items) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] b : items) {
      out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  /**
   * GW-5.5: collectAndServe returns {@code [port, secret, handle]}, not the data; the one-shot
   * server answers a wrong secret with "err" and sends nothing, and streams the elements only after
   * the right one.
   */
  @Test
  void required_GW_5_5_collectOnlyThroughAuthenticatedServer() throws IOException {
    java.nio.file.Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      List<byte[]> items = List.of("alpha".getBytes(StandardCharsets.UTF_8), new byte[0],
          new byte[] {0, (byte) 0x80, (byte) 0xff, 10, 13}, "omega".repeat(50).getBytes(StandardCharsets.UTF_8));
      java.nio.file.Path file = dir.resolve("frames");
      java.nio.file.Files.write(file, frames(items));
      String ctx = ref("GW-5.5", "createContext", createContext(s, "local[2]"));
      String ds = ref("GW-5.5", "parallelizeFile", call(s, ctx, "parallelizeFile", "s" + py4jEscape(file.toString()), "i2"));

      Object[] wrong = serveInfo(s, "GW-5.5", "collectAndServe", call(s, ctx, "collectAndServe", "r" + ds));
      String secret = (String) wrong[1];
      check(secret.length() >= 32, "GW-5.5", "the one-shot server's secret is too short: " + secret.length() + " chars");
      try (Socket c = env().connect((Integer) wrong[0])) {
        char[] w = secret.toCharArray();
        w[0] = w[0] == 'a' ? 'b' : 'a';
        String reply = OneShotServerChecks.authenticate(c, new String(w));
        check("err".equals(reply), "GW-5.5", "the one-shot server answered a wrong secret with " + reply + ", expected err");
        check(closedAfter(c), "GW-5.5", "the one-shot server sent data or stayed open after a wrong secret");
      }

      Object[] right = serveInfo(s, "GW-5.5", "collectAndServe", call(s, ctx, "collectAndServe", "r" + ds));
      try (Socket c = env().connect((Integer) right[0])) {
        String reply = OneShotServerChecks.authenticate(c, (String) right[1]);
        check("ok".equals(reply), "GW-5.5", "the one-shot server answered the right secret with " + reply);
        byte[] rest = c.getInputStream().readAllBytes();
        check(java.util.Arrays.equals(frames(items), rest), "GW-5.5",
            "the collected stream (" + rest.length + " bytes) is not the parallelized frames ("
                + frames(items).length + " bytes)");
      }
      ok("GW-5.5", "ServeHandle.getResult()", call(s, (String) right[2], "getResult"));
      ok("GW-5.5", "stop()", call(s, ctx, "stop"));
      check(java.nio.file.Files.exists(file), "GW-5.5", "the JVM deleted the driver's parallelize file");
    } finally {
      try (var st = java.nio.file.Files.walk(dir)) {
        st.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** {@code java.util.ArrayList} of typed values; its object id. */
  static String javaList(Socket s, List<String> typedValues) throws IOException {
    String id = ref("GW-5.6", "new java.util.ArrayList", Py4JText.construct(s, "java.util.ArrayList"));
    for (String v : typedValues) {
      call(s, id, "add", v);
    }
    return id;
  }

  /**
   * Commands (WRK-8.1) built by the bundled {@code tck_commands.py} with the configured Python
   * (pickled code is specific to its version): element 0 is the {@code major.minor} version.
   */
  final List<String> buildCommands(List<String> specs) throws IOException, InterruptedException {
    requireCapability(Capability.PYTHON_WORKERS);
    java.nio.file.Path script = java.nio.file.Files.createTempFile("kindling-tck-commands-", ".py");
    try (InputStream in = GatewayRules.class.getResourceAsStream("/dev/kindling/tck/worker/tck_commands.py")) {
      check(in != null, "GW-5.6", "tck_commands.py is missing from the TCK jar");
      java.nio.file.Files.write(script, in.readAllBytes());
    }
    try {
      ProcessBuilder pb = new ProcessBuilder(pythonExecutable(), script.toString(), "kindling")
          .redirectError(ProcessBuilder.Redirect.DISCARD);
      params.get(TckParameters.PYTHONPATH).ifPresent(pp -> pb.environment().put("PYTHONPATH", pp));
      Process p = pb.start();
      p.getOutputStream().write((String.join("\n", specs) + "\n").getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      NothingObserved.unless(p.waitFor(TimeFactor.seconds(60), TimeUnit.SECONDS) && p.exitValue() == 0,
          "the configured Python " + pythonExecutable() + " cannot build commands (needs cloudpickle)");
      String[] lines = out.strip().split("\n");
      List<String> result = new java.util.ArrayList<>();
      result.add(lines[0].split("\t")[1].strip());
      for (int i = 1; i < lines.length; i++) {
        result.add(lines[i].split("\t")[1].strip());
      }
      return result;
    } finally {
      java.nio.file.Files.deleteIfExists(script);
    }
  }

  /** {@code ctx.pythonDataset(parent, command, env, [], python, version, [], false)}: raw reply. */
  final String pythonDataset(Socket s, String ctx, String parent, String commandB64, String pythonVer)
      throws IOException {
    Map<String, String> workerEnv = new LinkedHashMap<>();
    params.get(TckParameters.PYTHONPATH).ifPresent(pp -> workerEnv.put("PYTHONPATH", pp));
    return call(s, ctx, "pythonDataset", "r" + parent, "j" + commandB64, "r" + javaMap(s, workerEnv),
        "r" + javaList(s, List.of()), "s" + py4jEscape(pythonExecutable()), "s" + pythonVer,
        "r" + javaList(s, List.of()), "bfalse");
  }

  /**
   * GW-5.6: a job whose Python command raises fails the calling thread's action with an error
   * naming the stage, the partition and the number of attempts, and carrying the Python error.
   * Precondition (else skipped): an identity command runs with the configured Python and
   * {@code kindling.tck.pythonpath}.
   */
  @Test
  void required_GW_5_6_jobFailureNamesStagePartitionAttempts() throws IOException, InterruptedException {
    List<String> cmds = buildCommands(List.of("identity", "raise_at:0"));
    java.nio.file.Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      java.nio.file.Path file = dir.resolve("frames");
      java.nio.file.Files.write(file, frames(List.of("x".getBytes(StandardCharsets.UTF_8), "y".getBytes(StandardCharsets.UTF_8))));
      String ctx = ref("GW-5.6", "createContext", createContext(s, "local[1]"));
      String ds = ref("GW-5.6", "parallelizeFile", call(s, ctx, "parallelizeFile", "s" + py4jEscape(file.toString()), "i1"));
      String id = ref("GW-5.6", "pythonDataset(identity)", pythonDataset(s, ctx, ds, cmds.get(1), cmds.get(0)));
      String good = call(s, ctx, "collectAndServe", "r" + id);
      NothingObserved.unless(good != null && good.startsWith("!y"),
          "the gateway cannot run Python workers with " + pythonExecutable()
              + " (set --python and kindling.tck.pythonpath): " + errorMessage(s, good));
      String bad = ref("GW-5.6", "pythonDataset(raise)", pythonDataset(s, ctx, ds, cmds.get(2), cmds.get(0)));
      String r = call(s, ctx, "collectAndServe", "r" + bad);
      check(r != null && r.startsWith("!x"), "GW-5.6", "collectAndServe of a failing job did not raise: " + r);
      String m = errorMessage(s, r);
      check(m.matches("(?is).*\\bstage\\s+\\d+.*"), "GW-5.6", "the job error does not name the stage: " + m);
      check(m.matches("(?is).*\\b(task|partition)\\s+\\d+.*"), "GW-5.6", "the job error does not name the partition: " + m);
      check(m.matches("(?is).*(failed\\s+\\d+\\s+times?|\\d+\\s+attempts?|attempts?\\W+\\d+).*"), "GW-5.6",
          "the job error does not give the number of attempts: " + m);
      check(m.contains("kindling-tck boom at element 0"), "GW-5.6",
          "the job error does not include the Python exception of the last attempt: " + m);
      ok("GW-5.6", "stop()", call(s, ctx, "stop"));
    } finally {
      try (var st = java.nio.file.Files.walk(dir)) {
        st.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  // -- GW-5.4 and GW-5.7: what a pythonDataset's task gets, and where its accumulator updates go --

  /** A one-partition {@code bytes} dataset from a file of {@code frames}; its object id. */
  private static String parallelizeOne(Socket s, String rule, String ctx, java.nio.file.Path file, List<byte[]> items)
      throws IOException {
    java.nio.file.Files.write(file, frames(items));
    return ref(rule, "parallelizeFile", call(s, ctx, "parallelizeFile", "s" + py4jEscape(file.toString()), "i1"));
  }

  /**
   * {@code ctx.pythonDataset(parent, command, env, includes, python, pythonVer, broadcastIds,
   * false)} with {@code kindling.tck.pythonpath} added to {@code env}: the raw reply. Broadcast ids
   * are sent as Py4J's auto_convert sends Python ints ({@code i} in the int range, else {@code L}).
   */
  final String pythonDatasetFull(Socket s, String ctx, String parent, String commandB64, String pythonVer,
      Map<String, String> env, List<String> includes, List<Long> broadcastIds) throws IOException {
    Map<String, String> workerEnv = new LinkedHashMap<>(env);
    params.get(TckParameters.PYTHONPATH).ifPresent(pp -> workerEnv.put("PYTHONPATH", pp));
    List<String> inc = new java.util.ArrayList<>();
    includes.forEach(i -> inc.add("s" + py4jEscape(i)));
    List<String> ids = new java.util.ArrayList<>();
    broadcastIds.forEach(i -> ids.add((i == (int) (long) i ? "i" : "L") + i));
    return call(s, ctx, "pythonDataset", "r" + parent, "j" + commandB64, "r" + javaMap(s, workerEnv),
        "r" + javaList(s, inc), "s" + py4jEscape(pythonExecutable()), "s" + pythonVer, "r" + javaList(s, ids),
        "bfalse");
  }

  /**
   * {@code collectAndServe(ds)}: on success the elements, read through the one-shot server
   * (WRK-9.2 frames); on a Py4J error the {@code !x} reply, returned for the caller to judge.
   */
  private Object collect(Socket s, String rule, String ctx, String ds) throws IOException {
    String reply = call(s, ctx, "collectAndServe", "r" + ds);
    if (reply == null || !reply.startsWith("!y")) {
      return reply;
    }
    Object[] info = serveInfo(s, rule, "collectAndServe", reply);
    List<byte[]> items = new java.util.ArrayList<>();
    try (Socket c = env().connect((Integer) info[0])) {
      check("ok".equals(OneShotServerChecks.authenticate(c, (String) info[1])), rule,
          "the collect server did not accept its own secret (WRK-2.2)");
      java.io.DataInputStream in = new java.io.DataInputStream(c.getInputStream());
      while (true) {
        int first = in.read();
        if (first < 0) {
          break;
        }
        int n = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        check(n >= 0 && n <= (64 << 20), rule, "collected frame length " + n);
        byte[] b = new byte[n];
        in.readFully(b);
        items.add(b);
      }
    }
    ok(rule, "ServeHandle.getResult()", call(s, (String) info[2], "getResult"));
    return items;
  }

  /** Runs a property whose body launches jobs: few tries, little shrinking; rethrows under the rule broken. */
  private static <T> void jobProperty(String rule, Gen<T> gen, int tries, Property.CheckedConsumer<T> body) {
    try {
      Property.forAll(gen).tries(tries).maxShrinkAttempts(4).shrinkTime(TimeFactor.scale(Duration.ofSeconds(60))).checkAssert(body);
    } catch (PropertyFailure f) {
      String broken = f.result().error()
          .filter(e -> e instanceof RuleFailure)
          .map(e -> ((RuleFailure) e).rule())
          .orElse(rule);
      throw new RuleFailure(broken, f.getMessage(), f);
    }
  }

  /** Skips unless an identity pythonDataset runs with the configured Python (as GW-5.6). */
  private void requireWorkers(String rule, String identityB64, String pythonVer) throws IOException {
    java.nio.file.Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      String ctx = ref(rule, "createContext", createContext(s, "local[1]"));
      try {
        String ds = parallelizeOne(s, rule, ctx, dir.resolve("frames"), List.of(new byte[] {1}));
        String id = ref(rule, "pythonDataset(identity)", pythonDataset(s, ctx, ds, identityB64, pythonVer));
        Object r = collect(s, rule, ctx, id);
        NothingObserved.unless(r instanceof List, () -> "the gateway cannot run Python workers with "
            + pythonExecutable() + " (set --python and kindling.tck.pythonpath): " + errorMessageQuietly(s, r));
      } finally {
        call(s, ctx, "stop");
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static String errorMessageQuietly(Socket s, Object reply) {
    try {
      return errorMessage(s, (String) reply);
    } catch (IOException | RuntimeException e) {
      return String.valueOf(reply);
    }
  }

  private static final Gen<Integer> UPPER_ALNUM = Gens.elements(
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_".chars().boxed().toArray(Integer[]::new));
  private static final Gen<Integer> LOWER_ALNUM = Gens.elements(
      "abcdefghijklmnopqrstuvwxyz0123456789".chars().boxed().toArray(Integer[]::new));

  /** A broadcast value built in Java: [text, number, list of numbers, {text: number}]. */
  private static final Gen<List<Object>> BROADCAST_VALUE = Gens.zip(
      Gens.zip(Gens.strings(Gens.integers(0x20, 0x7e), 0, 24), Gens.longs(),
          (t, n) -> List.<Object>of(t, n)),
      Gens.zip(Gens.lists(Gens.longs(-1000, 1000), 0, 6),
          Gens.lists(Gens.zip(Gens.strings(LOWER_ALNUM, 1, 6), Gens.longs(-9, 9), Map::entry), 0, 4),
          (l, m) -> {
            Map<String, Long> map = new java.util.HashMap<>();
            m.forEach(e -> map.put(e.getKey(), e.getValue()));
            return List.<Object>of(l, map);
          }),
      (a, b) -> List.of(a.get(0), a.get(1), b.get(0), b.get(1)));

  /** One GW-5.4 case: the env variable, the include module and its token, two broadcast values, a wrong pythonVer. */
  record HeaderCase(String envKey, String envValue, String module, String token, List<Object> named,
      List<Object> unnamed, String wrongVer) {}

  /**
   * GW-5.4: a pythonDataset's task gets the {@code env} map, the {@code includes} (a zip shipped
   * with {@code addFile}, holding a module only it provides: the task imports it), the broadcasts
   * of {@code broadcastIds} with the values of their files (pickles built in Java; a second
   * registered broadcast no dataset names must not reach the worker, WRK-4.5.5) and the driver's
   * {@code pythonVer}: a dataset with a wrong one fails with the worker's version mismatch naming it.
   * Generated names and values (seed printed on failure). Precondition as GW-5.6.
   */
  @Test
  void required_GW_5_4_pythonDatasetHeader() throws IOException, InterruptedException {
    List<String> base = buildCommands(List.of("identity"));
    requireWorkers("GW-5.4", base.get(1), base.get(0));
    String pythonVer = base.get(0);
    Gen<HeaderCase> cases = Gens.zip(
        Gens.zip(Gens.strings(UPPER_ALNUM, 4, 10), Gens.strings(Gens.integers(0x20, 0x7e), 0, 40),
            (k, v) -> new String[] {"KINDLING_TCK_" + k, v}),
        Gens.zip(Gens.zip(Gens.strings(LOWER_ALNUM, 6, 10), Gens.strings(LOWER_ALNUM, 8, 16), (m, t) -> new String[] {m, t}),
            Gens.zip(Gens.zip(BROADCAST_VALUE, BROADCAST_VALUE, List::of), Gens.integers(10, 99), Map::entry),
            Map::entry),
        (e, r) -> new HeaderCase(e[0], e[1], "kindling_tck_inc_" + r.getKey()[0], r.getKey()[1],
            r.getValue().getKey().get(0), r.getValue().getKey().get(1), "2." + r.getValue().getValue()));
    jobProperty("GW-5.4", cases, 2, c -> checkHeaderCase(c, pythonVer));
  }

  private void checkHeaderCase(HeaderCase c, String pythonVer) throws IOException, InterruptedException {
    String report = "report_header:" + c.envKey() + ":" + c.module();
    List<String> cmds = buildCommands(List.of("identity", report));
    java.nio.file.Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      String ctx = ref("GW-5.4", "createContext", createContext(s, "local[2]"));
      try {
        // The include: a zip (as addPyFile ships) with a module nothing else provides.
        java.nio.file.Path zip = dir.resolve(c.module() + ".zip");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(java.nio.file.Files.newOutputStream(zip))) {
          z.putNextEntry(new java.util.zip.ZipEntry(c.module() + ".py"));
          z.write(("TOKEN = '" + c.token() + "'\n").getBytes(StandardCharsets.UTF_8));
          z.closeEntry();
        }
        ok("GW-5.4", "addFile(" + zip + ")", call(s, ctx, "addFile", "s" + py4jEscape(zip.toString()), "bfalse"));
        // Two broadcasts (one pickle each, WRK-10.6, in tempDir() as a driver writes them).
        java.nio.file.Path tmp = java.nio.file.Path.of(string("GW-5.4", "tempDir()", call(s, ctx, "tempDir")));
        long[] ids = new long[2];
        List<List<Object>> values = List.of(c.named(), c.unnamed());
        for (int i = 0; i < 2; i++) {
          java.nio.file.Path f = java.nio.file.Files.createTempFile(tmp, "tck-broadcast-", ".pickle");
          java.nio.file.Files.write(f, HeaderReport.pickle(values.get(i)));
          String id = ok("GW-5.4", "registerBroadcast", call(s, ctx, "registerBroadcast", "s" + py4jEscape(f.toString())));
          check(id.matches("[iL]-?\\d+"), "GW-5.4", "registerBroadcast did not return a long: " + id);
          ids[i] = Long.parseLong(id.substring(1));
        }
        String parent = parallelizeOne(s, "GW-5.4", ctx, dir.resolve("frames"), List.of(new byte[] {7}));
        Map<String, String> env = Map.of(c.envKey(), c.envValue());
        String ds = ref("GW-5.4", "pythonDataset(report_header)", pythonDatasetFull(s, ctx, parent, cmds.get(2),
            pythonVer, env, List.of(zip.getFileName().toString()), List.of(ids[0])));
        Object r = collect(s, "GW-5.4", ctx, ds);
        if (!(r instanceof List<?> out)) {
          throw new RuleFailure("GW-5.4", "the report_header job failed: " + errorMessageQuietly(s, r));
        }
        check(out.size() == 1, "GW-5.4", "the report_header job over one partition gave " + out.size() + " frames");
        HeaderReport.check(new String((byte[]) out.get(0), StandardCharsets.UTF_8), c.envKey(), c.envValue(),
            zip.getFileName().toString(), c.token(), Map.of(ids[0], c.named()), java.util.Set.of(ids[1]));
        // pythonVer: the worker compares it with its own (WRK-4.2); a wrong one must reach it.
        String wrong = ref("GW-5.4", "pythonDataset(pythonVer " + c.wrongVer() + ")", pythonDatasetFull(s, ctx,
            parent, cmds.get(1), c.wrongVer(), env, List.of(), List.of()));
        Object w = collect(s, "GW-5.4", ctx, wrong);
        String reply = w instanceof String str ? str : "!y(" + ((List<?>) w).size() + " elements)";
        HeaderReport.checkVersionMismatch(reply, w instanceof String ? errorMessage(s, reply) : "", c.wrongVer());
      } finally {
        call(s, ctx, "stop");
      }
    } finally {
      deleteTree(dir);
    }
  }

  /** Job ids' accumulator id bases: job A, B (retried), C (failing), D (after the server switch). */
  private static final long JOB_A = 1000;
  private static final long JOB_B = 2000;
  private static final long JOB_C = 3000;
  private static final long JOB_D = 4000;
  /** The ids only failed attempts add to (accumulate_then_raise's POISON). */
  private static final long POISON_B = 2900;
  private static final long POISON_C = 3900;

  /** One task's input: (accumulator index 0..3, delta) pairs, sent as "aid:delta" frames. */
  private static final Gen<List<Map.Entry<Integer, Integer>>> TASK_INPUT =
      Gens.lists(Gens.zip(Gens.integers(0, 3), Gens.integers(-50, 50), Map::entry), 0, 5);

  private static List<byte[]> accumulateFrames(long base, List<Map.Entry<Integer, Integer>> task) {
    List<byte[]> out = new java.util.ArrayList<>();
    task.forEach(e -> out.add(((base + e.getKey()) + ":" + e.getValue()).getBytes(StandardCharsets.UTF_8)));
    return out;
  }

  /** {@code task} with one more delta, so the task has an update whatever was generated. */
  private static List<Map.Entry<Integer, Integer>> withUpdate(List<Map.Entry<Integer, Integer>> task) {
    List<Map.Entry<Integer, Integer>> l = new java.util.ArrayList<>(task);
    l.add(Map.entry(0, 1));
    return l;
  }

  /** The update a successful task over {@code task} sends: each accumulator it used, with its total. */
  static Map<Long, Long> taskTotals(long base, List<Map.Entry<Integer, Integer>> task) {
    Map<Long, Long> totals = new java.util.TreeMap<>();
    task.forEach(e -> totals.merge(base + e.getKey(), (long) e.getValue(), Long::sum));
    return totals;
  }

  /**
   * A pythonDataset running {@code accumulateB64} over the union of one-partition datasets (one
   * per task, so each task's input is known); with {@code thenB64}, a second pythonDataset over
   * it, run in the same task, so a task can fail after its first Python run accumulated and
   * returned its updates to the JVM.
   */
  private String accumulateJob(Socket s, String ctx, java.nio.file.Path dir, String name, long base,
      List<List<Map.Entry<Integer, Integer>>> tasks, String accumulateB64, String thenB64, String pythonVer)
      throws IOException {
    List<String> parts = new java.util.ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      parts.add("r" + parallelizeOne(s, "GW-5.7", ctx, dir.resolve(name + "-" + i), accumulateFrames(base, tasks.get(i))));
    }
    String union = ref("GW-5.7", "union", call(s, ctx, "union", "r" + javaList(s, parts)));
    String acc = ref("GW-5.7", "pythonDataset(" + name + ")",
        pythonDatasetFull(s, ctx, union, accumulateB64, pythonVer, Map.of(), List.of(), List.of()));
    return thenB64 == null ? acc : ref("GW-5.7", "pythonDataset(" + name + ", then)",
        pythonDatasetFull(s, ctx, acc, thenB64, pythonVer, Map.of(), List.of(), List.of()));
  }

  /** Waits (bounded) until the ledger's expected updates arrived, then checks what did arrive. */
  private void settle(DriverAccumulatorServer server, AccumulatorLedger ledger) throws InterruptedException {
    Duration floor = TimeFactor.scale(Duration.ofSeconds(10));
    Duration wait = config().timeout().compareTo(floor) < 0 ? floor : config().timeout();
    DriverAccumulatorServer.await(() -> !server.violations().isEmpty() || ledger.complete(server.batches()), wait);
    server.throwViolations();
    ledger.check(server.batches());
  }

  /**
   * GW-5.7: the TCK plays the driver's accumulator update server (WRK-10.4: raw secret bytes, then
   * {@code i32 count} + blobs per batch, each acknowledged with 0x01). Generated tasks add
   * generated deltas: per accumulator each successful task's update arrives exactly once (so the
   * applied total is the sum of deltas); tasks whose first attempt fails after accumulating (on
   * {@code local[2,2]}, when the gateway takes it) and a task that always fails contribute
   * nothing — they fail in a second pythonDataset of the same task, after the first one returned
   * its updates to the JVM, so the JVM holds a failed attempt's updates and must drop them; after a second {@code setAccumulatorServer} updates go to the new server only.
   * Precondition as GW-5.6.
   */
  @Test
  void required_GW_5_7_accumulatorUpdatesOncePerTask() throws IOException, InterruptedException {
    List<String> cmds = buildCommands(List.of("identity", "accumulate",
        "accumulate_then_raise:" + POISON_B + ":1", "accumulate_then_raise:" + POISON_C + ":99"));
    requireWorkers("GW-5.7", cmds.get(1), cmds.get(0));
    Gen<List<List<Map.Entry<Integer, Integer>>>> jobs = Gens.lists(TASK_INPUT, 2, 4);
    jobProperty("GW-5.7", jobs, 2, tasks -> checkAccumulatorCase(tasks, cmds));
  }

  private void checkAccumulatorCase(List<List<Map.Entry<Integer, Integer>>> tasks, List<String> cmds)
      throws IOException, InterruptedException {
    String pythonVer = cmds.get(0);
    java.nio.file.Path dir = PublishedConnInfo.newDir();
    try (Socket s = session();
        DriverAccumulatorServer first = DriverAccumulatorServer.start(config().timeout());
        DriverAccumulatorServer second = DriverAccumulatorServer.start(config().timeout())) {
      // local[2,2] lets a task retry (Spark's local[N,F]); without it job B is left out.
      String created = createContext(s, "local[2,2]");
      boolean retries = created != null && created.startsWith("!y");
      String ctx = ref("GW-5.7", "createContext", retries ? created : createContext(s, "local[2]"));
      try {
        AccumulatorLedger one = new AccumulatorLedger("the first server");
        AccumulatorLedger two = new AccumulatorLedger("the second server");
        String failedOnly = "only failed attempts added to it (a failed attempt's updates are never applied)";
        for (long p : new long[] {POISON_B, POISON_C}) {
          one.forbid(p, failedOnly);
          two.forbid(p, failedOnly);
        }
        for (int k = 0; k < 4; k++) {
          one.forbid(JOB_C + k, failedOnly);
          two.forbid(JOB_C + k, failedOnly);
          one.forbid(JOB_D + k, "its job ran after setAccumulatorServer named the second server");
          two.forbid(JOB_A + k, "its job ran before setAccumulatorServer named this server");
          two.forbid(JOB_B + k, "its job ran before setAccumulatorServer named this server");
        }
        ok("GW-5.7", "setAccumulatorServer", call(s, ctx, "setAccumulatorServer", "i" + first.port(),
            "s" + first.secret()));

        // A: every task succeeds at once.
        for (int i = 0; i < tasks.size(); i++) {
          one.expectTask("A/" + i, taskTotals(JOB_A, tasks.get(i)));
        }
        Object a = collect(s, "GW-5.7", ctx, accumulateJob(s, ctx, dir, "a", JOB_A, tasks, cmds.get(2), null, pythonVer));
        check(a instanceof List, "GW-5.7", "the accumulate job failed: " + errorMessageQuietly(s, a));
        settle(first, one);

        // B: every task's first attempt accumulates (its updates reach the JVM), then fails in the
        // second pythonDataset; the retry succeeds.
        if (retries) {
          for (int i = 0; i < tasks.size(); i++) {
            one.expectTask("B/" + i + " (second attempt)", taskTotals(JOB_B, tasks.get(i)));
          }
          Object b = collect(s, "GW-5.7", ctx, accumulateJob(s, ctx, dir, "b", JOB_B, tasks, cmds.get(2), cmds.get(3),
              pythonVer));
          check(b instanceof List, "GW-5.7", "the job whose first attempts fail did not succeed on local[2,2]: "
              + errorMessageQuietly(s, b));
          settle(first, one);
        }

        // C: one task that accumulates and then always fails: the job fails, nothing is sent.
        Object c = collect(s, "GW-5.7", ctx, accumulateJob(s, ctx, dir, "c", JOB_C, List.of(withUpdate(tasks.get(0))),
            cmds.get(2), cmds.get(4), pythonVer));
        check(c instanceof String && ((String) c).startsWith("!x"), "GW-5.6",
            "a job whose only task always fails did not raise: " + c);

        // D: after a new setAccumulatorServer, updates go to the new server only.
        ok("GW-5.7", "setAccumulatorServer (second)", call(s, ctx, "setAccumulatorServer", "i" + second.port(),
            "s" + second.secret()));
        for (int i = 0; i < tasks.size(); i++) {
          two.expectTask("D/" + i, taskTotals(JOB_D, tasks.get(i)));
        }
        Object d = collect(s, "GW-5.7", ctx, accumulateJob(s, ctx, dir, "d", JOB_D, tasks, cmds.get(2), null, pythonVer));
        check(d instanceof List, "GW-5.7", "the accumulate job after the server switch failed: " + errorMessageQuietly(s, d));
        settle(second, two);
        settle(first, one);
      } finally {
        call(s, ctx, "stop");
      }
    } finally {
      deleteTree(dir);
    }
  }
}
