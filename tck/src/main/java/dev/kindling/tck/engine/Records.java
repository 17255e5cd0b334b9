package dev.kindling.tck.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What one driver session left in its probe directory: the driver's job outcomes, and per worker
 * connection and per daemon the probe's events and the raw bytes of every task.
 */
final class Records {
  private static final ObjectMapper JSON = new ObjectMapper();

  final String session;
  final Path dir;
  final boolean timedOut;
  final int exitCode;
  final String driverOutput;
  final List<Map<String, Object>> driverEvents;
  final Map<String, Map<String, Object>> jobs = new LinkedHashMap<>();
  final List<Conn> conns = new ArrayList<>();
  final List<Daemon> daemons = new ArrayList<>();

  /** One worker connection (a simple worker process or a daemon child). */
  static final class Conn {
    final String name;
    final List<Map<String, Object>> events;
    final List<Task> tasks = new ArrayList<>();

    Conn(String name, List<Map<String, Object>> events) {
      this.name = name;
      this.events = events;
    }

    Map<String, Object> start() {
      return events.stream().filter(e -> "connStart".equals(e.get("ev"))).findFirst().orElse(Map.of());
    }

    String mode() {
      return String.valueOf(start().get("mode"));
    }

    List<Map<String, Object>> events(String ev) {
      return events.stream().filter(e -> ev.equals(e.get("ev"))).collect(Collectors.toList());
    }

    Optional<Map<String, Object>> event(String ev) {
      return events.stream().filter(e -> ev.equals(e.get("ev"))).findFirst();
    }

    /** Events about task {@code k} (those carrying {@code "task": k}). */
    List<Map<String, Object>> taskEvents(int k) {
      return events.stream()
          .filter(e -> e.get("task") instanceof Number && ((Number) e.get("task")).intValue() == k)
          .collect(Collectors.toList());
    }

    @Override
    public String toString() {
      return name + "(" + mode() + ", " + tasks.size() + " task(s))";
    }
  }

  /** One task on a connection: the probe's "task" event and the bytes around it. */
  static final class Task {
    final Conn conn;
    final int index;
    final Map<String, Object> event;
    final byte[] header;
    final byte[] input;
    final byte[] output;

    Task(Conn conn, int index, Map<String, Object> event, byte[] header, byte[] input, byte[] output) {
      this.conn = conn;
      this.index = index;
      this.event = event;
      this.header = header;
      this.input = input;
      this.output = output;
    }

    String job() {
      return String.valueOf(event.get("job"));
    }

    String behaviour() {
      return String.valueOf(event.get("behaviour"));
    }

    Optional<Map<String, Object>> inputEvent() {
      return conn.taskEvents(index).stream().filter(e -> "input".equals(e.get("ev"))).findFirst();
    }

    @Override
    public String toString() {
      return conn.name + " task " + index + " (job " + job() + ", " + behaviour() + ")";
    }
  }

  /** One daemon process. */
  static final class Daemon {
    final String name;
    final List<Map<String, Object>> events;

    Daemon(String name, List<Map<String, Object>> events) {
      this.name = name;
      this.events = events;
    }

    Map<String, Object> start() {
      return events.stream().filter(e -> "daemonStart".equals(e.get("ev"))).findFirst().orElse(Map.of());
    }

    List<Map<String, Object>> events(String ev) {
      return events.stream().filter(e -> ev.equals(e.get("ev"))).collect(Collectors.toList());
    }
  }

  Records(String session, Path dir, boolean timedOut, int exitCode, String driverOutput) {
    this.session = session;
    this.dir = dir;
    this.timedOut = timedOut;
    this.exitCode = exitCode;
    this.driverOutput = driverOutput;
    this.driverEvents = readLines(dir.resolve("driver.jsonl"));
    for (Map<String, Object> e : driverEvents) {
      if ("job".equals(e.get("ev"))) {
        jobs.put(String.valueOf(e.get("name")), e);
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> sorted = files.sorted().collect(Collectors.toList());
      for (Path f : sorted) {
        String n = f.getFileName().toString();
        if (n.startsWith("conn-") && n.endsWith(".jsonl")) {
          String base = n.substring(0, n.length() - ".jsonl".length());
          Conn c = new Conn(base, readLines(f));
          for (Map<String, Object> ev : c.events("task")) {
            int k = ((Number) ev.get("task")).intValue();
            c.tasks.add(new Task(c, k, ev, bytes(base + ".t" + k + ".header.bin"),
                bytes(base + ".t" + k + ".input.bin"), bytes(base + ".t" + k + ".output.bin")));
          }
          conns.add(c);
        } else if (n.startsWith("daemon-") && n.endsWith(".jsonl")) {
          daemons.add(new Daemon(n, readLines(f)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    conns.sort((a, b) -> Double.compare(time(a.start()), time(b.start())));
  }

  private static double time(Map<String, Object> e) {
    Object t = e.get("t");
    return t instanceof Number ? ((Number) t).doubleValue() : 0;
  }

  /** A file of the session's records directory, or null when the probe did not write it. */
  byte[] bytes(String name) {
    Path p = dir.resolve(name);
    try {
      return Files.exists(p) ? Files.readAllBytes(p) : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> readLines(Path file) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(JSON.readValue(line, Map.class));
        } catch (IOException e) {
          // a line cut short by a killed process: skip it
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The driver's outcome of job {@code name}; fails naming the session when it never ran. */
  Map<String, Object> job(String name) {
    Map<String, Object> j = jobs.get(name);
    if (j == null) {
      throw new AssertionError("job '" + name + "' of session " + session + " did not complete"
          + (timedOut ? " (the session timed out)" : "") + diagnostics());
    }
    return j;
  }

  boolean jobOk(String name) {
    return Boolean.TRUE.equals(job(name).get("ok"));
  }

  String jobError(String name) {
    Object e = job(name).get("error");
    return e == null ? "" : String.valueOf(e);
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> jobResult(String name) {
    Object r = job(name).get("result");
    return r instanceof Map ? (Map<String, Object>) r : Map.of();
  }

  double jobSeconds(String name) {
    Object s = job(name).get("seconds");
    return s instanceof Number ? ((Number) s).doubleValue() : Double.NaN;
  }

  Optional<Map<String, Object>> driverEvent(String ev) {
    return driverEvents.stream().filter(e -> ev.equals(e.get("ev"))).findFirst();
  }

  List<Task> tasks() {
    List<Task> all = new ArrayList<>();
    conns.forEach(c -> all.addAll(c.tasks));
    return all;
  }

  List<Task> tasksOf(String job) {
    return tasks().stream().filter(t -> job.equals(t.job())).collect(Collectors.toList());
  }

  /** All probe-side rule checks for {@code rule} in connections and daemons. */
  List<Map<String, Object>> checks(String rule) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Conn c : conns) {
      for (Map<String, Object> e : c.events("check")) {
        if (rule.equals(e.get("rule"))) {
          Map<String, Object> m = new LinkedHashMap<>(e);
          m.put("conn", c.name);
          out.add(m);
        }
      }
    }
    return out;
  }

  /** Where to look when something is off: the directory and the driver's last output. */
  String diagnostics() {
    String tail = driverOutput.length() > 3000 ? driverOutput.substring(driverOutput.length() - 3000) : driverOutput;
    return "\n(session " + session + ", records in " + dir + ", driver exit " + exitCode + ")"
        + (tail.isBlank() ? "" : "\ndriver output tail:\n" + tail);
  }
}
