package dev.kindling.bridge;

import dev.kindling.bridge.launch.FakeEchoWorker;
import dev.kindling.bridge.launch.PythonWorker;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Prints the bridge's figures: echo throughput JVM -> worker -> JVM per frame size
 * (against a JVM stand-in worker, which isolates the bridge, and against the real kindling.worker),
 * daemon fork latency, and task latency on a reused versus a new worker.
 *
 * <p>Usage: BridgeBench PYTHON REPO_ROOT [quick] [no-throughput] [no-latency] [pyspark-lib=SPARK/python/lib]
 */
public final class BridgeBench {
  private static final int[] SIZES = {64, 1024, 64 * 1024, 1024 * 1024};
  private static String python;
  private static Path root;
  private static boolean quick;

  public static void main(String[] args) throws Exception {
    python = args[0];
    root = Path.of(args[1]);
    List<String> flags = Arrays.asList(args).subList(2, args.length);
    quick = flags.contains("quick");
    List<String> ios = List.of("blocking");
    System.out.printf("cores=%d java=%s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    if (!flags.contains("no-throughput")) {
    System.out.println("\n== echo throughput, JVM stand-in worker (bridge I/O only) ==");
    for (String io : ios) {
      for (int size : SIZES) {
        echo("stand-in", io, size);
      }
    }
    System.out.println("\n== echo throughput, kindling.worker via kindling.daemon (NoOpSerializer identity) ==");
    for (String io : ios) {
      for (int size : SIZES) {
        echo("kindling", io, size);
      }
    }
    }
    if (flags.contains("no-latency")) {
      return;
    }
    for (String flag : flags) {
      if (flag.startsWith("pyspark-lib=")) {
        Path lib = Path.of(flag.substring("pyspark-lib=".length()));
        StringBuilder pp = new StringBuilder();
        try (java.util.stream.Stream<Path> zips = java.nio.file.Files.list(lib)) {
          zips.filter(z -> z.toString().endsWith(".zip")).sorted()
              .forEach(z -> pp.append(pp.length() == 0 ? "" : ":").append(z));
        }
        System.out.println("\n== latency, Apache Spark's pyspark.worker / pyspark.daemon from " + lib + " ==");
        latency(Map.of(BridgeConfig.WORKER_MODULE, "pyspark.worker",
                BridgeConfig.DAEMON_MODULE, "pyspark.daemon"),
            Map.of("PYTHONPATH", pp.toString()), pysparkCommand(pp.toString()));
      }
    }
    System.out.println("\n== latency, kindling.worker / kindling.daemon ==");
    latency(Map.of(), Map.of(), kindlingCommand("identity"));
    Map<String, String> kit = Map.of(BridgeConfig.WORKER_MODULE, "kindling_peers.worker",
        BridgeConfig.DAEMON_MODULE, "kindling_peers.daemon");
    String kitPath = testkitPath();
    System.out.println("\n== latency, reference worker/daemon peers (protocol-spec/peers) with TCP_NODELAY ==");
    latency(kit, Map.of("PYTHONPATH", kitPath), testkitCommand("echo"));
    System.out.println("\n== latency, reference worker/daemon peers without TCP_NODELAY ==");
    latency(kit, Map.of("PYTHONPATH", kitPath, "KINDLING_PEER_NAGLE", "1"), testkitCommand("echo"));
  }

  private static long payloadFor(int size) {
    long mb = quick ? 64 : (size <= 1024 ? 128 : 512);
    return mb << 20;
  }

  private static void echo(String target, String io, int size) throws Exception {
    long payload = payloadFor(size);
    if (target.equals("kindling") && size <= 64) {
      payload /= 4;
    }
    long frames = payload / size;
    Map<String, String> conf = new HashMap<>();
    BridgeConfig config = BridgeConfig.fromMap(conf);
    byte[] command = target.equals("kindling") ? kindlingCommand("identity") : new byte[0];
    double[] best = {Double.MAX_VALUE};
    long maxBuffered = 0;
    int runs = quick ? 2 : 4;
    try (WorkerFactory f = new WorkerFactory(WorkerKey.of(python, Map.of(), config), config);
        FakeEchoWorker fake = target.equals("stand-in") ? new FakeEchoWorker() : null) {
      PythonRunner runner = new PythonRunner(f);
      PythonWorker standIn = fake != null ? fake.connect() : null;
      for (int r = 0; r < runs; r++) {
        byte[] frame = new byte[size];
        Iterator<Object> in = repeat(frame, frames);
        TaskSpec spec = TaskSpec.builder().pythonVersion(pythonVersion()).command(command).build();
        long t0 = System.nanoTime();
        long got = 0;
        try (PythonTaskRun run = standIn != null ? runner.runOn(standIn, spec, in) : runner.run(spec, in)) {
          while (run.hasNext()) {
            got += run.next().length;
          }
          maxBuffered = Math.max(maxBuffered, run.metrics().maxBufferedBytes());
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (got != frames * size) {
          throw new IllegalStateException("lost data: " + got);
        }
        if (r > 0) {
          best[0] = Math.min(best[0], s);
        }
      }
    }
    double s = best[0];
    System.out.printf("%-8s %-9s %8s frames: %12.0f frames/s %9.1f MB/s  (%d frames, best of %d, max buffered %d KiB)%n",
        target, io, human(size), frames / s, frames * (double) size / s / 1e6, frames, runs - 1,
        maxBuffered >> 10);
  }

  private static void latency(Map<String, String> base, Map<String, String> env, byte[] command)
      throws Exception {
    int n = quick ? 20 : 100;
    Map<String, String> conf = new HashMap<>(base);
    BridgeConfig config = BridgeConfig.fromMap(conf);
    try (WorkerFactory f = new WorkerFactory(WorkerKey.of(python, env, config), config)) {
      PythonRunner runner = new PythonRunner(f);
      task(runner, command, true);
      List<Long> fork = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        PythonWorker w = f.acquire();
        fork.add(System.nanoTime() - t0);
        f.discard(w);
      }
      report("daemon fork + pid + auth (acquire, pool empty)", fork);
      List<Long> reused = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        reused.add(task(runner, command, true));
      }
      report("task, 1 frame, reused worker", reused);
      List<Long> fresh = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        fresh.add(task(runner, command, false));
      }
      report("task, 1 frame, new daemon-forked worker", fresh);
    }
    conf.put(BridgeConfig.USE_DAEMON, "false");
    BridgeConfig simple = BridgeConfig.fromMap(conf);
    try (WorkerFactory f = new WorkerFactory(WorkerKey.of(python, env, simple), simple)) {
      PythonRunner runner = new PythonRunner(f);
      List<Long> s = new ArrayList<>();
      for (int i = 0; i < Math.min(n, 30); i++) {
        s.add(task(runner, command, false));
      }
      report("task, 1 frame, new simple-mode worker", s);
    }
  }

  private static long task(PythonRunner runner, byte[] command, boolean reuse) {
    TaskSpec spec = TaskSpec.builder().pythonVersion(pythonVersion()).command(command)
        .reuseWorker(reuse).build();
    long t0 = System.nanoTime();
    try (PythonTaskRun run = runner.run(spec, List.<Object>of(new byte[16]).iterator())) {
      while (run.hasNext()) {
        run.next();
      }
    }
    return System.nanoTime() - t0;
  }

  private static void report(String what, List<Long> nanos) {
    List<Long> s = new ArrayList<>(nanos);
    Collections.sort(s);
    System.out.printf("%-45s median %7.2f ms  p90 %7.2f ms  min %7.2f ms  (n=%d)%n", what,
        s.get(s.size() / 2) / 1e6, s.get((int) (s.size() * 0.9)) / 1e6, s.get(0) / 1e6, s.size());
  }

  private static Iterator<Object> repeat(byte[] frame, long count) {
    return new Iterator<>() {
      long i;

      @Override
      public boolean hasNext() {
        return i < count;
      }

      @Override
      public Object next() {
        i++;
        return frame;
      }
    };
  }

  private static String human(int size) {
    return size >= 1 << 20 ? (size >> 20) + "MiB" : size >= 1024 ? (size >> 10) + "KiB" : size + "B";
  }

  private static String version;

  private static String pythonVersion() throws RuntimeException {
    if (version == null) {
      version = new String(run(python, "-c", "import sys; print('%d.%d' % sys.version_info[:2], end='')"));
    }
    return version;
  }

  private static byte[] kindlingCommand(String name) {
    return run(python, root.resolve("python-worker-bridge/src/test/python/kindling_commands.py").toString(), name);
  }

  private static byte[] pysparkCommand(String pythonPath) {
    try {
      ProcessBuilder pb = new ProcessBuilder(python,
          root.resolve("python-worker-bridge/src/test/python/pyspark_commands.py").toString(), "identity")
          .redirectError(ProcessBuilder.Redirect.INHERIT);
      pb.environment().put("PYTHONPATH", pythonPath);
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      p.waitFor();
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The bridge's test commands and the reference peers they run on. */
  private static String testkitPath() {
    return root.resolve("python-worker-bridge/src/test/python") + java.io.File.pathSeparator
        + root.resolve("protocol-spec/peers");
  }

  private static byte[] testkitCommand(String name) {
    return run(python, "-m", "bridge_testkit.make_command", name);
  }

  private static byte[] run(String... cmd) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
      pb.environment().put("PYTHONPATH", testkitPath());
      Process p = pb.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = p.getInputStream()) {
        in.transferTo(out);
      }
      if (p.waitFor() != 0) {
        throw new IllegalStateException("failed: " + Arrays.toString(cmd));
      }
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
