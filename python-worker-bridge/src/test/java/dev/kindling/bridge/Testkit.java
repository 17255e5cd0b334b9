package dev.kindling.bridge;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.io.Files2;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Test support: the venv's interpreter, the reference worker and daemon peers
 * (protocol-spec/peers: {@value #WORKER}, {@value #DAEMON}, breakable with {@value #BREAK}), and
 * cloudpickled commands built by that interpreter from src/test/python/bridge_testkit.
 */
final class Testkit {
  static final String WORKER = "kindling_peers.worker";
  static final String DAEMON = "kindling_peers.daemon";
  /** The variable naming the peers' breakages (protocol-spec/peers/README.md). */
  static final String BREAK = "KINDLING_PEER_BREAK";
  private static final Map<String, byte[]> COMMANDS = new ConcurrentHashMap<>();
  private static volatile String version;

  private Testkit() {}

  /** The interpreter from {@code -Dkindling.python}; skips the test when it does not exist. */
  static String python() {
    String p = System.getProperty("kindling.python", "");
    assumeTrue(!p.isEmpty() && Files.isExecutable(Path.of(p)),
        "integration test skipped: Python interpreter from -Dkindling.python not found: '" + p
            + "' (run bin/setup-venv)");
    return p;
  }

  static String testkitPath() {
    return Path.of("src/test/python").toAbsolutePath().toString();
  }

  /** protocol-spec/peers, from {@code -Dkindling.root} (the build passes it) or next to this module. */
  static String peersPath() {
    String root = System.getProperty("kindling.root", "");
    Path base = root.isEmpty() || root.startsWith("${") ? Path.of("..") : Path.of(root);
    return base.resolve("protocol-spec/peers").toAbsolutePath().normalize().toString();
  }

  /** The test commands and the reference peers. */
  static String pythonPath() {
    return testkitPath() + java.io.File.pathSeparator + peersPath();
  }

  static Map<String, String> conf(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put(BridgeConfig.WORKER_MODULE, WORKER);
    m.put(BridgeConfig.DAEMON_MODULE, DAEMON);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** Configuration for the real kindling.worker / kindling.daemon (the defaults). */
  static Map<String, String> kindlingConf(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static WorkerFactory factory(Map<String, String> conf, String... extraEnv) {
    BridgeConfig config = BridgeConfig.fromMap(conf);
    Map<String, String> env = new HashMap<>();
    env.put("PYTHONPATH", pythonPath());
    for (int i = 0; i < extraEnv.length; i += 2) {
      env.put(extraEnv[i], extraEnv[i + 1]);
    }
    return new WorkerFactory(WorkerKey.of(python(), env, config), config);
  }

  /** The pickled command {@code (funcs.<name>(*args), None, RawFrames(), RawFrames())}. */
  static byte[] command(String name, int... args) {
    String[] cmd = new String[4 + args.length];
    cmd[0] = python();
    cmd[1] = "-m";
    cmd[2] = "bridge_testkit.make_command";
    cmd[3] = name;
    for (int i = 0; i < args.length; i++) {
      cmd[4 + i] = Integer.toString(args[i]);
    }
    return COMMANDS.computeIfAbsent(String.join(" ", cmd), k -> run(cmd)).clone();
  }

  /** A command for the real kindling.worker, built by src/test/python/kindling_commands.py. */
  static byte[] kindlingCommand(String name) {
    String[] cmd = {python(), testkitPath() + "/kindling_commands.py", name};
    return COMMANDS.computeIfAbsent(String.join(" ", cmd), k -> run(cmd)).clone();
  }

  /** Writes one pickle of {@code value} to {@code path}, as a broadcast file (WRK-10.6). */
  static void pickleTo(Path path, String value) {
    run(python(), testkitPath() + "/kindling_commands.py", "broadcast", path.toString(), value);
  }

  static String pythonVersion() {
    if (version == null) {
      version = new String(run(python(), "-c",
          "import sys; print('%d.%d' % sys.version_info[:2], end='')"), StandardCharsets.UTF_8);
    }
    return version;
  }

  static TaskSpec.Builder spec(String func, int... args) {
    return TaskSpec.builder().pythonVersion(pythonVersion()).command(command(func, args))
        .sparkFilesDir(System.getProperty("java.io.tmpdir"));
  }

  static List<byte[]> drain(PythonTaskRun run) {
    List<byte[]> out = new ArrayList<>();
    run.forEachRemaining(out::add);
    return out;
  }

  static List<String> strings(List<byte[]> frames) {
    List<String> out = new ArrayList<>();
    frames.forEach(f -> out.add(new String(f, StandardCharsets.UTF_8)));
    return out;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] run(String... cmd) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      pb.environment().put("PYTHONPATH", pythonPath());
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      Process p = pb.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = p.getInputStream()) {
        in.transferTo(out);
      }
      if (!p.waitFor(TimeFactor.seconds(60), TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("failed: " + Arrays.toString(cmd));
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The variable naming the directory where the test kit's Python side marks events. */
  static final String EVENTS = "KINDLING_PEER_EVENTS";

  /**
   * A fresh directory for {@value #EVENTS}: {@code hang} marks {@code hang-<pid>} once it has
   * produced its output and is about to hang; the reference daemon marks {@code held-<n>} when it
   * holds the n-th connection back without a pid.
   */
  static Path eventsDir() {
    try {
      Path d = Files.createTempDirectory("bridge-testkit-events-");
      // deleteOnExit cannot remove a directory that holds markers, so the JVM removes the tree
      Runtime.getRuntime().addShutdownHook(new Thread(() -> Files2.deleteRecursively(d), "testkit-events-cleanup"));
      return d;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Waits for the event {@code name} in {@code dir} (deadline 10 s times the time factor). */
  static void awaitEvent(Path dir, String name) throws InterruptedException {
    long limit = TimeFactor.millis(10_000);
    long deadline = System.nanoTime() + limit * 1_000_000L;
    Path marker = dir.resolve(name);
    while (!Files.exists(marker)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the test kit never marked '" + name + "' in " + dir + " within " + limit + " ms");
      }
      Thread.sleep(5);
    }
  }

  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Waits up to {@code millis} for {@code pid} to be gone. */
  static boolean awaitGone(long pid, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeFactor.millis(millis) * 1_000_000L;
    while (System.nanoTime() < deadline) {
      if (!alive(pid)) {
        return true;
      }
      Thread.sleep(10);
    }
    return !alive(pid);
  }

  static void kill9(long pid) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("kill", "-9", Long.toString(pid)).start();
    p.waitFor(TimeFactor.seconds(5), TimeUnit.SECONDS);
  }
}
