package dev.kindling.tck.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.py4j.Py4JText;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Pickler;
import net.razorvine.pickle.Unpickler;

/**
 * GW-5.4's checks on what a {@code pythonDataset} task saw of its header, as the
 * {@code report_header} command of {@code tck_commands.py} reports it (one JSON frame:
 * {@code env} the value of the probed variable, {@code sysPath}, {@code include} what the include
 * module gave — its token, or the import error — and {@code broadcasts} id → base64 of a protocol 2
 * pickle of the value in the worker library's registry), and on the error of a task run with a
 * wrong {@code pythonVer}.
 */
final class HeaderReport {
  private HeaderReport() {}

  /** One pickle (protocol 2, razorvine) of a value built in Java: the content of a broadcast file. */
  static byte[] pickle(Object value) {
    try {
      return new Pickler(false).dumps(value);
    } catch (IOException | PickleException e) {
      throw new IllegalStateException("cannot pickle " + value, e);
    }
  }

  static Object unpickle(byte[] b) {
    try {
      return normalize(new Unpickler().loads(b));
    } catch (IOException | PickleException e) {
      throw new IllegalArgumentException("not a pickle: " + e.getMessage(), e);
    }
  }

  /** Tuples and lists become Lists, integers Longs, maps TreeMaps: comparable with equals. */
  static Object normalize(Object o) {
    if (o instanceof Object[] a) {
      return normalize(List.of(a));
    }
    if (o instanceof List<?> l) {
      List<Object> r = new ArrayList<>();
      l.forEach(x -> r.add(normalize(x)));
      return r;
    }
    if (o instanceof Integer || o instanceof Short || o instanceof Byte) {
      return ((Number) o).longValue();
    }
    if (o instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    if (o instanceof Map<?, ?> m) {
      Map<Object, Object> r = new TreeMap<>();
      m.forEach((k, v) -> r.put(normalize(k), normalize(v)));
      return r;
    }
    return o;
  }

  /**
   * Checks the report: the env variable has its value, the include directory is on
   * {@code sys.path} and its module imported with the expected token, every named broadcast is in
   * the registry with the value the driver pickled, and no broadcast the driver never named for
   * any dataset is (WRK-4.5.5: the JVM sends only what the task needs).
   */
  static void check(String json, String envKey, String envValue, String include, String includeToken,
      Map<Long, Object> named, Set<Long> neverNamed) {
    Map<?, ?> r;
    try {
      Object o = new ObjectMapper().readValue(json, Object.class);
      if (!(o instanceof Map<?, ?> m)) {
        throw new RuleFailure("GW-5.4", "the report_header task's output is not a JSON object: " + json);
      }
      r = m;
    } catch (JsonProcessingException e) {
      throw new RuleFailure("GW-5.4", "the report_header task's output is not JSON: " + json);
    }
    if (!envValue.equals(r.get("env"))) {
      throw new RuleFailure("GW-5.4", "the worker's environment has " + envKey + "=" + r.get("env")
          + ", but pythonDataset's env map set it to " + envValue);
    }
    Object path = r.get("sysPath");
    boolean onPath = path instanceof List<?> l && l.stream().anyMatch(p -> String.valueOf(p).endsWith("/" + include));
    if (!onPath) {
      throw new RuleFailure("GW-5.4", "the include " + include + " is not on the worker's sys.path " + path
          + " (pythonDataset's includes not passed in the header)");
    }
    Object inc = r.get("include");
    Object token = inc instanceof Map<?, ?> m ? m.get("token") : null;
    if (!includeToken.equals(token)) {
      throw new RuleFailure("GW-5.4", "the task could not use the module shipped as include " + include + ": "
          + inc + " (expected token " + includeToken + ")");
    }
    Map<String, Object> seen = new TreeMap<>();
    if (r.get("broadcasts") instanceof Map<?, ?> b) {
      b.forEach((k, v) -> seen.put(String.valueOf(k), v));
    } else {
      throw new RuleFailure("GW-5.4", "the report has no broadcast registry: " + json);
    }
    for (Map.Entry<Long, Object> e : named.entrySet()) {
      Object v = seen.get(Long.toString(e.getKey()));
      if (v == null) {
        throw new RuleFailure("GW-5.4", "broadcast " + e.getKey() + " named in broadcastIds is not in the worker's"
            + " registry (ids there: " + seen.keySet() + ")");
      }
      if (!(v instanceof String s)) {
        throw new RuleFailure("GW-5.4", "broadcast " + e.getKey() + "'s value could not be read in the worker: " + v);
      }
      Object got;
      try {
        got = unpickle(Base64.getDecoder().decode(s));
      } catch (IllegalArgumentException ex) {
        throw new RuleFailure("GW-5.4", "broadcast " + e.getKey() + "'s value came back unreadable: " + ex.getMessage());
      }
      Object want = normalize(e.getValue());
      if (!want.equals(got)) {
        throw new RuleFailure("GW-5.4", "broadcast " + e.getKey() + " has value " + got + " in the worker, the"
            + " driver's file held " + want);
      }
    }
    for (long id : neverNamed) {
      if (seen.containsKey(Long.toString(id))) {
        throw new RuleFailure("WRK-4.5.5", "broadcast " + id + " reached the worker though no dataset named it in"
            + " broadcastIds (the JVM must send only the broadcasts a task needs)");
      }
    }
  }

  /**
   * The error of an action over a dataset whose {@code pythonVer} is not the worker's: it must
   * come from the worker's version check (WRK-4.2), which names the driver's version — so the
   * {@code pythonVer} given to {@code pythonDataset} reached the header.
   */
  static void checkVersionMismatch(String reply, String message, String wrongVer) {
    if (!Py4JText.isError(reply)) {
      throw new RuleFailure("GW-5.4", "a pythonDataset with pythonVer " + wrongVer + " ran without the worker's"
          + " version mismatch (pythonVer not sent in the header?): " + reply);
    }
    Pattern version = Pattern.compile("(?<![\\d.])" + Pattern.quote(wrongVer) + "(?![\\d])");
    if (!version.matcher(message).find()) {
      throw new RuleFailure("GW-5.4", "the job with pythonVer " + wrongVer + " failed, but the error does not name"
          + " that version, so it is not the worker's version check of the header's pythonVer: " + message);
    }
  }
}
