package dev.kindling.tck.engine;

import dev.kindling.protocol.TimeFactor;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.protocol.Profile;
import dev.kindling.tck.support.Scratch;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The driver sessions the engine verification runs, each once per setup and profile: one
 * {@code SparkContext} running a list of jobs, with the probe playing a behaviour per job.
 * Tests share the sessions' records, so the engine starts only a few times per run.
 */
final class Sessions {
  /** Daemon mode with reuse: header, input, output reactions, broadcasts, accumulators, cancel. */
  static final String DAEMON = "daemon";
  /** Simple mode, no reuse: authentication as server, launch, exit status, cancel. */
  static final String SIMPLE = "simple";
  /** Daemon mode without reuse: daemon start failures, negative pid, auth reply, slow start. */
  static final String DAEMON_START = "daemonStart";

  static final String USER_TOKEN = "KINDLING_TCK_USER_ERROR_7f3a";
  static final String FRAME_TOKEN = "KINDLING_TCK_FRAME_ERROR_51c9";
  static final String CRASH_TOKEN = "KINDLING_TCK_CRASH_2b8d";
  static final int CRASH_EXIT = 97;
  static final int NEGATIVE_PID = -77;
  static final long HUGE_LENGTH = 536_870_913L;
  static final String DRIVER_HASH_SEED = "314";
  static final int LARGE_FRAMES = 16;
  static final int LARGE_ELEMENTS = 16;

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Records, or the RuntimeException/Error a session ended with (not retried within a run). */
  private static final Map<String, Object> CACHE = new ConcurrentHashMap<>();
  private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

  private Sessions() {}

  /** A session: its conf, its jobs (driver side) and the probe's behaviour per job. */
  static final class Spec {
    final String name;
    final boolean daemon;
    final boolean reuse;
    final List<Map<String, Object>> jobs = new ArrayList<>();
    final Map<String, Map<String, Object>> behaviours = new LinkedHashMap<>();
    final List<String> daemonLaunches = new ArrayList<>();

    Spec(String name, boolean daemon, boolean reuse) {
      this.name = name;
      this.daemon = daemon;
      this.reuse = reuse;
    }

    Spec job(String name, String kind, Object... kv) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("name", name);
      j.put("kind", kind);
      for (int i = 0; i < kv.length; i += 2) {
        j.put((String) kv[i], kv[i + 1]);
      }
      jobs.add(j);
      return this;
    }

    Spec plays(String behaviour, Object... kv) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("behaviour", behaviour);
      for (int i = 0; i < kv.length; i += 2) {
        b.put((String) kv[i], kv[i + 1]);
      }
      behaviours.put((String) jobs.get(jobs.size() - 1).get("name"), b);
      return this;
    }
  }

  static Spec spec(String name) {
    switch (name) {
      case DAEMON:
        return new Spec(DAEMON, true, true)
            .job("map", "map")
            .job("reduce", "reduce")
            .job("partitionBy", "partitionBy")
            .job("bc1", "broadcast", "create", List.of("b1", "b2"), "use", List.of("b1", "b2"))
            .job("bc2", "broadcast", "destroy", List.of("b1"), "create", List.of("b3"),
                "use", List.of("b2", "b3"))
            .job("bc3", "broadcast", "use", List.of())
            .job("acc", "accumulator")
            .job("raise", "raise", "token", USER_TOKEN)
            .job("raiseFrame", "collect", "n", 8, "partitions", 2)
            .plays("raiseFrame", "token", FRAME_TOKEN)
            .job("afterRaise", "map")
            .job("crash", "collect", "n", 8, "partitions", 2)
            .plays("crash", "exitCode", CRASH_EXIT, "token", CRASH_TOKEN, "partitions", List.of(0))
            .job("garbage", "collect", "n", 8, "partitions", 2)
            .plays("garbageLength", "length", -100)
            .job("largeOutput", "bigInput", "n", 20000, "partitions", 2, "elementBytes", 1000)
            .plays("largeOutputFirst", "frames", LARGE_FRAMES, "elementsPerFrame", LARGE_ELEMENTS,
                "elementBytes", 65536)
            .job("nonReusable", "map")
            .plays("nonReusable")
            .job("accCrash", "accumulator")
            .plays("accumulatorThenCrash", "update", 1000)
            .job("shortKey", "partitionBy")
            .plays("shortKeyFrame")
            .job("oddKey", "partitionBy")
            .plays("oddKeyFrames")
            .job("cancel", "cancel", "partitions", 2)
            .plays("hang", "seconds", 60)
            .job("afterAll", "map");
      case SIMPLE:
        return new Spec(SIMPLE, false, false)
            .job("map", "map")
            .job("wrongSecret", "collect", "n", 1, "partitions", 1)
            .plays("wrongSecret")
            .job("negativePid", "collect", "n", 1, "partitions", 1)
            .plays("negativePid", "code", NEGATIVE_PID)
            .job("raise", "raise", "token", USER_TOKEN)
            .job("crash", "collect", "n", 1, "partitions", 1)
            .plays("crash", "exitCode", CRASH_EXIT, "token", CRASH_TOKEN)
            .job("slowStart", "map", "partitions", 2)
            .plays("slowStart", "seconds", 2)
            .job("cancel", "cancel", "partitions", 2)
            .plays("hang", "seconds", 60)
            .job("authStall", "collect", "n", 1, "partitions", 1)
            .plays("authStall", "seconds", 30)
            .job("afterAll", "map")
            .job("hugeLength", "collect", "n", 1, "partitions", 1)
            .plays("garbageLength", "length", HUGE_LENGTH);
      case DAEMON_START:
        Spec s = new Spec(DAEMON_START, true, false)
            .job("startEof", "collect", "n", 1, "partitions", 1)
            .job("startBadPort", "collect", "n", 1, "partitions", 1)
            .job("afterStart", "map")
            .job("negativePid", "collect", "n", 1, "partitions", 1)
            .plays("negativePid", "code", NEGATIVE_PID)
            .job("authErr", "collect", "n", 1, "partitions", 1)
            .plays("authReplyErr")
            .job("slowStart", "map", "partitions", 2)
            .plays("slowStart", "seconds", 2)
            .job("afterAll", "map");
        s.daemonLaunches.add("eof");
        s.daemonLaunches.add("badPort");
        return s;
      default:
        throw new IllegalArgumentException("no session " + name);
    }
  }

  /** The records of session {@code name} for this setup and profile, run on first use. */
  static Records get(String name, EngineSetup setup, Profile profile) {
    String key = name + "|" + profile.id() + "|" + setup.key();
    Object r;
    synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
      r = CACHE.get(key);
      if (r == null) {
        try {
          r = run(spec(name), setup, profile);
        } catch (RuntimeException | Error e) {
          r = e;
        }
        CACHE.put(key, r);
      }
    }
    if (r instanceof RuntimeException) {
      throw (RuntimeException) r;
    }
    if (r instanceof Error) {
      throw (Error) r;
    }
    return (Records) r;
  }

  static Records run(Spec spec, EngineSetup setup, Profile profile) {
    try {
      Path dir;
      if (setup.recordsDir != null) {
        Files.createDirectories(setup.recordsDir);
        dir = Files.createTempDirectory(setup.recordsDir, "kindling-tck-" + spec.name + "-");
      } else {
        dir = Scratch.directory(spec.name + "-");
      }
      Path plan = dir.resolve("plan.json");
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("profile", profile.id());
      p.put("delegate", setup.delegate);
      p.put("jobs", spec.behaviours);
      p.put("daemonLaunches", spec.daemonLaunches);
      JSON.writeValue(plan.toFile(), p);

      String probePath = ProbeResources.probePath().toString();
      Map<String, String> conf = new LinkedHashMap<>();
      conf.put("spark.python.worker.module", "kindling_tck_probe.worker");
      conf.put("spark.python.daemon.module", "kindling_tck_probe.daemon");
      conf.put("spark.python.use.daemon", Boolean.toString(spec.daemon));
      conf.put("spark.python.worker.reuse", Boolean.toString(spec.reuse));
      conf.put("spark.executorEnv.PYTHONPATH", probePath);
      conf.put("spark.executorEnv.KINDLING_TCK_PROBE_DIR", dir.toString());
      conf.put("spark.executorEnv.KINDLING_TCK_PROBE_PLAN", plan.toString());
      conf.put("spark.ui.enabled", "false");
      // One attempt per task, as Spark's local[N] does, so that failures show at once.
      conf.put("spark.task.maxFailures", "1");
      conf.putAll(setup.conf);
      Map<String, Object> session = new LinkedHashMap<>();
      session.put("probeDir", dir.toString());
      session.put("library", setup.library);
      session.put("master", setup.master);
      session.put("conf", conf);
      session.put("jobs", spec.jobs);
      Path sessionFile = dir.resolve("session.json");
      JSON.writeValue(sessionFile.toFile(), session);

      List<String> cmd = new ArrayList<>(setup.driverCommand);
      cmd.add(ProbeResources.driverScript().toString());
      cmd.add(sessionFile.toString());
      Path out = dir.resolve("driver.out");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
      Map<String, String> env = pb.environment();
      env.put("KINDLING_TCK_PROBE_DIR", dir.toString());
      env.put("KINDLING_TCK_PROBE_PLAN", plan.toString());
      env.put("KINDLING_TCK_PROBE_DELEGATE", setup.delegate);
      env.put("PYTHONHASHSEED", DRIVER_HASH_SEED);
      // The driver scales its own waits (job limits, cancellation waits) by the same factor.
      env.put(dev.kindling.protocol.TimeFactor.ENV, Double.toString(dev.kindling.protocol.TimeFactor.factor()));
      env.putAll(setup.env);
      String existing = env.get("PYTHONPATH");
      env.put("PYTHONPATH", existing == null || existing.isEmpty()
          ? probePath : probePath + File.pathSeparator + existing);
      Process proc = pb.start();
      boolean timedOut = false;
      int exit;
      try {
        if (!proc.waitFor(setup.sessionTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
          timedOut = true;
          proc.descendants().forEach(ProcessHandle::destroyForcibly);
          proc.destroyForcibly().waitFor(TimeFactor.seconds(10), TimeUnit.SECONDS);
        }
        exit = proc.isAlive() ? -1 : proc.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        proc.descendants().forEach(ProcessHandle::destroyForcibly);
        proc.destroyForcibly();
        throw new AssertionError("interrupted while running session " + spec.name, e);
      }
      String output = Files.exists(out) ? new String(Files.readAllBytes(out), StandardCharsets.UTF_8) : "";
      return new Records(spec.name, dir, timedOut, exit, output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run session " + spec.name, e);
    }
  }
}
