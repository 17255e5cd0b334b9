package dev.kindling.tck.gateway;

import static dev.kindling.tck.py4j.Py4JReplies.errorMessageQuietly;
import static dev.kindling.tck.py4j.Py4JReplies.javaList;
import static dev.kindling.tck.py4j.Py4JReplies.javaMap;
import static dev.kindling.tck.py4j.Py4JReplies.ok;
import static dev.kindling.tck.py4j.Py4JReplies.ref;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.NothingObserved;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.TestEnvironment;
import dev.kindling.tck.conninfo.PublishedConnInfo;
import dev.kindling.tck.py4j.Py4JText;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.TckParameters;
import dev.kindling.tck.support.Scratch;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The gateway under test for one check: launched on first use from the verification's command
 * with {@code KINDLING_PROFILE} and the run's environment, found through the conn-info file it
 * publishes, and talked to with raw Py4J ({@link Py4JText}) on authenticated connections.
 */
public final class GatewayUnderTest {
  private final TckConfig config;
  private final TestEnvironment env;
  private final TckParameters params;
  private final Supplier<List<String>> command;
  private final Supplier<String> python;
  private final Supplier<Duration> publishWait;
  private final Runnable requirePythonWorkers;
  private PublishedConnInfo launched;

  GatewayUnderTest(TckConfig config, TestEnvironment env, TckParameters params, Supplier<List<String>> command,
      Supplier<String> python, Supplier<Duration> publishWait, Runnable requirePythonWorkers) {
    this.config = config;
    this.env = env;
    this.params = params;
    this.command = command;
    this.python = python;
    this.publishWait = publishWait;
    this.requirePythonWorkers = requirePythonWorkers;
  }

  static void check(boolean ok, String rule, String message) {
    if (!ok) {
      throw new RuleFailure(rule, message);
    }
  }

  TckConfig config() {
    return config;
  }

  TestEnvironment env() {
    return env;
  }

  String pythonExecutable() {
    return python.get();
  }

  /** The launched gateway (launched now if this check has not yet). */
  PublishedConnInfo published() {
    if (launched == null) {
      Assumptions.assumeTrue(!command.get().isEmpty(), "no gateway command (give it after '--')");
      launched = launch(Map.of());
    }
    return launched;
  }

  /** Another gateway of this check, launched with {@code extra} added to its environment. */
  PublishedConnInfo launch(Map<String, String> extra) {
    return PublishedConnInfo.launch(env, command.get(), launchEnvironment(extra), publishWait.get());
  }

  /** The environment a gateway is launched with, plus {@code extra}. */
  Map<String, String> launchEnvironment(Map<String, String> extra) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("KINDLING_PROFILE", config.profile().id());
    e.putAll(params.env());
    e.putAll(extra);
    return e;
  }

  /** A new, unauthenticated connection to the Py4J port. */
  Socket connect() throws IOException {
    return connectTo(published());
  }

  private Socket connectTo(PublishedConnInfo g) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), g.port), (int) TimeFactor.millis(2000));
    s.setSoTimeout((int) config.timeout().toMillis());
    return s;
  }

  /** A new connection, authenticated with the published secret. */
  Socket session() throws IOException {
    return sessionTo(published());
  }

  /** An authenticated connection to {@code g}. */
  Socket sessionTo(PublishedConnInfo g) throws IOException {
    Socket s = connectTo(g);
    Py4JText.send(s, Py4JText.auth(g.secret));
    check(Py4JText.yes("v").equals(Py4JText.readLine(s)), "GW-2.2", "the right secret was not accepted");
    return s;
  }

  // -- Python workers (GW-5.4, 5.6, 5.7, WRK-9.3) ---------------------------------------------------

  /**
   * Commands (WRK-8.1) built by the bundled {@code tck_commands.py} with the configured Python
   * (pickled code is specific to its version): element 0 is the {@code major.minor} version.
   * Not applicable unless {@code pythonWorkers} is declared.
   */
  List<String> buildCommands(List<String> specs) throws IOException, InterruptedException {
    requirePythonWorkers.run();
    Path script = Scratch.file("commands-", ".py");
    try (InputStream in = TckParameters.class.getResourceAsStream("/dev/kindling/tck/worker/tck_commands.py")) {
      check(in != null, "GW-5.6", "tck_commands.py is missing from the TCK jar");
      Files.write(script, in.readAllBytes());
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
      List<String> result = new ArrayList<>();
      result.add(lines[0].split("\t")[1].strip());
      for (int i = 1; i < lines.length; i++) {
        result.add(lines[i].split("\t")[1].strip());
      }
      return result;
    } finally {
      Files.deleteIfExists(script);
    }
  }

  /** {@code ctx.pythonDataset(parent, command, env, [], python, version, [], false)}: raw reply. */
  String pythonDataset(Socket s, String ctx, String parent, String commandB64, String pythonVer) throws IOException {
    Map<String, String> workerEnv = new LinkedHashMap<>();
    params.get(TckParameters.PYTHONPATH).ifPresent(pp -> workerEnv.put("PYTHONPATH", pp));
    return Py4JText.call(s, ctx, "pythonDataset", "r" + parent, "j" + commandB64, "r" + javaMap(s, workerEnv),
        "r" + javaList(s, List.of()), "s" + Py4JText.escape(pythonExecutable()), "s" + pythonVer,
        "r" + javaList(s, List.of()), "bfalse");
  }

  /**
   * {@code ctx.pythonDataset(parent, command, env, includes, python, pythonVer, broadcastIds,
   * false)} with {@code kindling.tck.pythonpath} added to {@code env}: the raw reply. Broadcast ids
   * are sent as Py4J's auto_convert sends Python ints ({@code i} in the int range, else {@code L}).
   */
  String pythonDatasetFull(Socket s, String ctx, String parent, String commandB64, String pythonVer,
      Map<String, String> env, List<String> includes, List<Long> broadcastIds) throws IOException {
    Map<String, String> workerEnv = new LinkedHashMap<>(env);
    params.get(TckParameters.PYTHONPATH).ifPresent(pp -> workerEnv.put("PYTHONPATH", pp));
    List<String> inc = new ArrayList<>();
    includes.forEach(i -> inc.add("s" + Py4JText.escape(i)));
    List<String> ids = new ArrayList<>();
    broadcastIds.forEach(i -> ids.add((i == (int) (long) i ? "i" : "L") + i));
    return Py4JText.call(s, ctx, "pythonDataset", "r" + parent, "j" + commandB64, "r" + javaMap(s, workerEnv),
        "r" + javaList(s, inc), "s" + Py4JText.escape(pythonExecutable()), "s" + pythonVer, "r" + javaList(s, ids),
        "bfalse");
  }

  /** Fails as "observed nothing" unless an identity pythonDataset runs with the configured Python. */
  void requireWorkers(String rule, String identityB64, String pythonVer) throws IOException {
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      String ctx = ref(rule, "createContext", EntryPoint.createContext(s, "local[1]"));
      try {
        String ds = EntryPoint.parallelizeOne(s, rule, ctx, dir.resolve("frames"), List.of(new byte[] {1}));
        String id = ref(rule, "pythonDataset(identity)", pythonDataset(s, ctx, ds, identityB64, pythonVer));
        Object r = collect(s, rule, ctx, id);
        NothingObserved.unless(r instanceof List, () -> "the gateway cannot run Python workers with "
            + pythonExecutable() + " (set --python and kindling.tck.pythonpath): " + errorMessageQuietly(s, r));
      } finally {
        Py4JText.call(s, ctx, "stop");
      }
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * {@code collectAndServe(ds)}: on success the elements, read through the one-shot server
   * (WRK-9.2 frames); on a Py4J error the {@code !x} reply, returned for the caller to judge.
   */
  Object collect(Socket s, String rule, String ctx, String ds) throws IOException {
    String reply = Py4JText.call(s, ctx, "collectAndServe", "r" + ds);
    if (!Py4JText.isSuccess(reply)) {
      return reply;
    }
    Object[] info = EntryPoint.serveInfo(s, rule, "collectAndServe", reply);
    List<byte[]> items = new ArrayList<>();
    try (Socket c = env.connect((Integer) info[0])) {
      check("ok".equals(OneShotServerChecks.authenticate(c, (String) info[1])), rule,
          "the collect server did not accept its own secret (WRK-2.2)");
      DataInputStream in = new DataInputStream(c.getInputStream());
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
    ok(rule, "ServeHandle.getResult()", Py4JText.call(s, (String) info[2], "getResult"));
    return items;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> st = Files.walk(dir)) {
      st.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
