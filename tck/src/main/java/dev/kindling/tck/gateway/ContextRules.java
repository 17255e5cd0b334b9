package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.EntryPoint.createContext;
import static dev.kindling.tck.gateway.GatewayUnderTest.check;
import static dev.kindling.tck.py4j.Py4JReplies.errorMessage;
import static dev.kindling.tck.py4j.Py4JReplies.ok;
import static dev.kindling.tck.py4j.Py4JReplies.ref;
import static dev.kindling.tck.py4j.Py4JReplies.string;

import dev.kindling.tck.py4j.Py4JText;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * gateway.md sections 5.1 and 5.2, the entry point's {@code createContext} and the context: one
 * context at a time (GW-5.1), local properties per connection (GW-5.2), {@code stop()} deleting
 * {@code tempDir()} (GW-5.3).
 */
interface ContextRules extends GatewaySection {
  /** GW-5.1: one context at a time; local, local[N], local[*] accepted; a bad master named. */
  @Test
  default void required_GW_5_1_oneContextAndLocalMasters() throws IOException {
    try (Socket s = gw().session()) {
      String bad = "bogus[7]";
      String r = createContext(s, bad);
      check(Py4JText.isError(r), "GW-5.1", "createContext accepted spark.master " + bad + ": " + r);
      String m = errorMessage(s, r);
      check(m.contains(bad), "GW-5.1", "the error for spark.master " + bad + " does not name the value: " + m);
      for (String master : List.of("local", "local[2]", "local[*]")) {
        String ctx = ref("GW-5.1", "createContext(spark.master=" + master + ")", createContext(s, master));
        ok("GW-5.1", "stop()", Py4JText.call(s, ctx, "stop"));
      }
      String first = ref("GW-5.1", "createContext(spark.master=local[2])", createContext(s, "local[2]"));
      String second = createContext(s, "local[2]");
      check(Py4JText.isError(second), "GW-5.1", "a second createContext while one is running succeeded: " + second);
      String msg = errorMessage(s, second);
      check(msg.toLowerCase(Locale.ROOT).matches("(?s).*(already|running|active|exist|one context).*"),
          "GW-5.1", "the refusal of a second context does not say one is running: " + msg);
      ok("GW-5.1", "stop()", Py4JText.call(s, first, "stop"));
      ok("GW-5.1", "createContext after stop()", createContext(s, "local"));
    }
  }

  /** GW-5.2: local properties and the job group are per connection (= per driver thread). */
  @Test
  default void required_GW_5_2_localPropertiesPerThread() throws IOException {
    try (Socket a = gw().session(); Socket b = gw().session()) {
      String ctx = ref("GW-5.2", "createContext", createContext(a, "local[2]"));
      String key = "kindling.tck." + UUID.randomUUID();
      ok("GW-5.2", "setLocalProperty on thread A", Py4JText.call(a, ctx, "setLocalProperty", "s" + key, "sfrom-a"));
      String seenByB = ok("GW-5.2", "getLocalProperty on thread B", Py4JText.call(b, ctx, "getLocalProperty", "s" + key));
      check("n".equals(seenByB), "GW-5.2", "thread B sees thread A's local property: " + seenByB);
      ok("GW-5.2", "setLocalProperty on thread B", Py4JText.call(b, ctx, "setLocalProperty", "s" + key, "sfrom-b"));
      check("from-a".equals(string("GW-5.2", "getLocalProperty on A", Py4JText.call(a, ctx, "getLocalProperty", "s" + key))),
          "GW-5.2", "thread A's local property changed when thread B set its own");
      check("from-b".equals(string("GW-5.2", "getLocalProperty on B", Py4JText.call(b, ctx, "getLocalProperty", "s" + key))),
          "GW-5.2", "thread B's local property was not kept");
      // InheritableThread's hand-over: B takes a copy of A's properties, not a view of them.
      String snapshot = ref("GW-5.2", "getLocalProperties() on A", Py4JText.call(a, ctx, "getLocalProperties"));
      ok("GW-5.2", "setLocalProperties(A's) on B", Py4JText.call(b, ctx, "setLocalProperties", "r" + snapshot));
      String handedOver = string("GW-5.2", "getLocalProperty on B", Py4JText.call(b, ctx, "getLocalProperty", "s" + key));
      check("from-a".equals(handedOver), "GW-5.2",
          "after setLocalProperties(getLocalProperties() of A), thread B has " + handedOver + " instead of from-a");
      ok("GW-5.2", "setLocalProperty on A", Py4JText.call(a, ctx, "setLocalProperty", "s" + key, "sagain-a"));
      String afterA = string("GW-5.2", "getLocalProperty on B", Py4JText.call(b, ctx, "getLocalProperty", "s" + key));
      check("from-a".equals(afterA), "GW-5.2",
          "thread B's properties follow thread A's after setLocalProperties (a view, not a copy): " + afterA);
      ok("GW-5.2", "setJobGroup on thread A", Py4JText.call(a, ctx, "setJobGroup", "sgroup-a", "sdescription", "bfalse"));
      String group = "spark.jobGroup.id";
      String onA = ok("GW-5.2", "getLocalProperty(" + group + ") on A", Py4JText.call(a, ctx, "getLocalProperty", "s" + group));
      if ("sgroup-a".equals(onA)) { // Spark's key for the job group; otherwise not observable here
        String onB = ok("GW-5.2", "getLocalProperty(" + group + ") on B", Py4JText.call(b, ctx, "getLocalProperty", "s" + group));
        check("n".equals(onB), "GW-5.2", "thread B sees thread A's job group: " + onB);
      }
      ok("GW-5.2", "stop()", Py4JText.call(a, ctx, "stop"));
    }
  }

  /** GW-5.3: stop() deletes the context's temporary directory (with what the driver wrote in it). */
  @Test
  default void required_GW_5_3_stopDeletesTempDir() throws IOException {
    try (Socket s = gw().session()) {
      String ctx = ref("GW-5.3", "createContext", createContext(s, "local[2]"));
      Path dir = Path.of(string("GW-5.3", "tempDir()", Py4JText.call(s, ctx, "tempDir")));
      check(Files.isDirectory(dir), "GW-5.3", "tempDir() " + dir + " is not a directory");
      Files.write(dir.resolve("tck-written-by-driver"), new byte[] {1, 2, 3});
      ok("GW-5.3", "stop()", Py4JText.call(s, ctx, "stop"));
      check(!Files.exists(dir), "GW-5.3", "tempDir() " + dir + " still exists after stop()");
      String again = Py4JText.call(s, ctx, "isStopped");
      check(Py4JText.yes("btrue").equals(again), "GW-5.3", "isStopped() after stop() returned " + again);
    }
  }
}
