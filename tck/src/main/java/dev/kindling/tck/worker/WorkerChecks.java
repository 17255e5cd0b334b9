package dev.kindling.tck.worker;

import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_DATA_SECTION;
import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_STREAM;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.header.BroadcastSection;
import dev.kindling.protocol.io.WireWriter;
import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.tck.RuleFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The static helpers the worker rule sections share: bytes and frames built from strings and
 * ints, the check that fails naming its rule (with the exchange's trace when there is one), and
 * what a rule body compares output with.
 */
final class WorkerChecks {
  /** How long "nothing more arrives" is watched for. */
  static final Duration QUIET = TimeFactor.scale(Duration.ofMillis(300));

  static final int[] REUSE_TAIL = {END_OF_DATA_SECTION, END_OF_STREAM};

  static final int START_OF_INIT_MESSAGE =
      dev.kindling.protocol.ProtocolConstants.MessageIds.START_OF_INIT_MESSAGE;

  private WorkerChecks() {}

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static byte[] ints(int... values) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    WireWriter w = new WireWriter(b);
    try {
      for (int v : values) {
        w.writeInt(v);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** {@code i32 START_OF_INIT_MESSAGE, i32 N, N bytes} (spark-4.3). */
  static byte[] initMessage(byte[] body) {
    return concat(ints(START_OF_INIT_MESSAGE, body.length), body);
  }

  static void check(boolean ok, String rule, String message, TaskResult r) {
    if (!ok) {
      throw r == null ? new RuleFailure(rule, message) : r.fail(rule, message);
    }
  }

  static void check(boolean ok, String rule, String message) {
    check(ok, rule, message, null);
  }

  /** A value the task reported ({@code seen}) against the one the JVM sent, compared as JSON. */
  static void expectField(String rule, TaskResult r, Map<?, ?> seen, String key, Object want) {
    Object got = seen.get(key);
    Object norm = Json.normalize(got);
    if (!Json.normalize(want).equals(norm)) {
      throw r.fail(rule, key + ": the JVM sent " + want + ", the task saw " + got);
    }
  }

  /** Output frames as UTF-8 strings. */
  static List<String> strings(WorkerOutput out) {
    List<String> s = new ArrayList<>();
    for (byte[] f : out.frames()) {
      s.add(str(f));
    }
    return s;
  }

  static List<byte[]> frames(String... s) {
    List<byte[]> l = new ArrayList<>();
    for (String x : s) {
      l.add(x == null ? null : utf8(x));
    }
    return l;
  }

  static boolean sameFrames(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  static String show(List<byte[]> frames) {
    List<String> s = new ArrayList<>();
    for (byte[] f : frames) {
      s.add(f == null ? "NULL" : Arrays.toString(f).length() > 60 ? f.length + " bytes" : Arrays.toString(f));
    }
    return s.toString();
  }

  static BroadcastSection broadcasts(List<Long> removed, Map<Long, String> added) {
    List<BroadcastSection.Added> a = new ArrayList<>();
    added.forEach((id, path) -> a.add(new BroadcastSection.Added(id, path)));
    return new BroadcastSection(null, removed, a);
  }

  static Map<Long, String> map(Object... kv) {
    Map<Long, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(((Number) kv[i]).longValue(), (String) kv[i + 1]);
    }
    return m;
  }

  static Limits limits() {
    return Limits.defaults();
  }
}
