package dev.kindling.tck.py4j;

import dev.kindling.tck.NothingObserved;
import dev.kindling.tck.RuleFailure;
import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Map;

/**
 * Reading Py4J replies as a check does: a reply that is not what the call must return fails the
 * check's rule, naming what was called. Also the client calls built from several commands (a Java
 * map or list filled on the JVM, a throwable's message), all through {@link Py4JText}.
 */
public final class Py4JReplies {
  private Py4JReplies() {}

  /** The value part of a success reply ({@code !y<type><value>} → {@code <type><value>}). */
  public static String ok(String rule, String what, String reply) {
    if (!Py4JText.isSuccess(reply)) {
      throw new RuleFailure(rule, what + " failed: " + reply);
    }
    return reply.substring(2);
  }

  /** The object id of a reference reply ({@code !yro3}, {@code !ylo4} → {@code o3}, {@code o4}). */
  public static String ref(String rule, String what, String reply) {
    String v = ok(rule, what, reply);
    if (!(v.length() > 1 && "rlaht".indexOf(v.charAt(0)) >= 0)) {
      throw new RuleFailure(rule, what + " did not return an object: " + reply);
    }
    return v.substring(1);
  }

  /** The string of a string reply, unescaped. */
  public static String string(String rule, String what, String reply) {
    String v = ok(rule, what, reply);
    if (!v.startsWith("s")) {
      throw new RuleFailure(rule, what + " did not return a string: " + reply);
    }
    return Py4JText.unescape(v.substring(1));
  }

  /** The message of an error reply ({@code !xr<id>}: the throwable's {@code getMessage()}). */
  public static String errorMessage(Socket s, String reply) throws IOException {
    String throwable = Py4JText.errorReference(reply);
    if (throwable != null) {
      String m = Py4JText.call(s, throwable, "getMessage");
      return Py4JText.isString(m) ? Py4JText.unescape(m.substring(3)) : String.valueOf(m);
    }
    return reply == null ? "(connection closed)" : Py4JText.unescape(reply.length() > 3 ? reply.substring(3) : reply);
  }

  /** As {@link #errorMessage}, for a failure message: never throws, a non-reply is shown as it is. */
  public static String errorMessageQuietly(Socket s, Object reply) {
    try {
      return errorMessage(s, (String) reply);
    } catch (IOException | RuntimeException e) {
      return String.valueOf(reply);
    }
  }

  /** A {@code java.util.HashMap} built on the JVM with {@code put} calls; its object id. */
  public static String javaMap(Socket s, Map<String, String> entries) throws IOException {
    String reply = Py4JText.construct(s, "java.util.HashMap");
    NothingObserved.unless(Py4JText.isSuccess(reply) && reply.length() > 3,
        "the gateway does not construct java.util.HashMap: " + reply);
    String id = reply.substring(3);
    for (Map.Entry<String, String> e : entries.entrySet()) {
      Py4JText.call(s, id, "put", "s" + Py4JText.escape(e.getKey()), "s" + Py4JText.escape(e.getValue()));
    }
    return id;
  }

  /** {@code java.util.ArrayList} of typed values; its object id (a refusal fails {@code GW-5.6}). */
  public static String javaList(Socket s, List<String> typedValues) throws IOException {
    String id = ref("GW-5.6", "new java.util.ArrayList", Py4JText.construct(s, "java.util.ArrayList"));
    for (String v : typedValues) {
      Py4JText.call(s, id, "add", v);
    }
    return id;
  }
}
