package dev.kindling.tck.gateway;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.Capability;
import dev.kindling.tck.NothingObserved;
import dev.kindling.tck.conninfo.PublishedConnInfo;
import dev.kindling.tck.property.Gen;
import dev.kindling.tck.property.Gens;
import dev.kindling.tck.property.Property;
import dev.kindling.tck.property.PropertyFailure;
import dev.kindling.tck.py4j.Py4JText;
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

  @BeforeEach
  final void readParameters(TckParameters fromRun) {
    params = fromRun.withOverrides(parameterOverrides());
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

  /** Text lines for textFile: any code points but line breaks and a leading byte-order mark. */
  static Gen<List<String>> textLines() {
    Gen<Integer> cp = Gens.codePoints().filter(c -> c != '\n' && c != '\r' && c != 0xFEFF);
    return Gens.lists(Gens.frequency(Gens.weighted(5, Gens.strings(cp, 0, 30)),
        Gens.weighted(1, Gens.strings(Gens.integers(0x80, 0x7ff), 1, 8)),
        Gens.weighted(1, Gens.strings(Gens.integers(0x1F300, 0x1F64F), 1, 4))), 0, 15);
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

  private static byte[] frames(List<byte[]> items) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] b : items) {
      out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(b.length).array());
      out.writeBytes(b);
    }
    return out.toByteArray();
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
    try (InputStream in = dev.kindling.tck.worker.TckParameters.class.getResourceAsStream("tck_commands.py")) {
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
