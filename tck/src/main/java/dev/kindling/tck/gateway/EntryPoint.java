package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.GatewayUnderTest.check;
import static dev.kindling.tck.py4j.Py4JReplies.javaList;
import static dev.kindling.tck.py4j.Py4JReplies.javaMap;
import static dev.kindling.tck.py4j.Py4JReplies.ok;
import static dev.kindling.tck.py4j.Py4JReplies.ref;
import static dev.kindling.tck.py4j.Py4JReplies.string;

import dev.kindling.tck.py4j.Py4JText;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calls of Kindling's entry-point contract (gateway.md section 5) that several rule sections make:
 * a context, {@code parallelizeFile} datasets, and the {@code [port, secret, handle]} an action
 * returns for its one-shot server.
 */
final class EntryPoint {
  private EntryPoint() {}

  /** {@code t.createContext(conf)} with {@code spark.master} = {@code master}: the raw reply. */
  static String createContext(Socket s, String master) throws IOException {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", master);
    conf.put("spark.app.name", "kindling-tck");
    return Py4JText.call(s, "t", "createContext", "r" + javaMap(s, conf));
  }

  /** {@code t.createContext(conf)} on {@code local[2]} with {@code extra} added: the raw reply. */
  static String createContextWith(Socket s, Map<String, String> extra) throws IOException {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", "local[2]");
    conf.put("spark.app.name", "kindling-tck");
    conf.putAll(extra);
    return Py4JText.call(s, "t", "createContext", "r" + javaMap(s, conf));
  }

  /** {@code [port, secret, handle]} returned by an action or {@code parallelizeServer}. */
  static Object[] serveInfo(Socket s, String rule, String what, String reply) throws IOException {
    String list = ref(rule, what, reply);
    String port = ok(rule, what + "[0]", Py4JText.call(s, list, "get", "i0"));
    check(port.startsWith("i"), rule, what + "[0] is not an int port: " + port);
    String secret = string(rule, what + "[1]", Py4JText.call(s, list, "get", "i1"));
    String handle = ref(rule, what + "[2]", Py4JText.call(s, list, "get", "i2"));
    return new Object[] {Integer.parseInt(port.substring(1)), secret, handle};
  }

  /** A {@code parallelizeFile} dataset of {@code items} in {@code slices} partitions (a new file in {@code dir}); its id. */
  static String parallelized(Socket s, String rule, String ctx, Path dir, List<byte[]> items, int slices)
      throws IOException {
    Path file = Files.createTempFile(dir, "frames-", "");
    Files.write(file, OneShotStreams.frames(items));
    return parallelizeFile(s, rule, ctx, file, slices);
  }

  /** A one-partition {@code bytes} dataset from {@code file}, written with {@code items}; its id. */
  static String parallelizeOne(Socket s, String rule, String ctx, Path file, List<byte[]> items) throws IOException {
    Files.write(file, OneShotStreams.frames(items));
    return parallelizeFile(s, rule, ctx, file, 1);
  }

  /** {@code ctx.parallelizeFile(file, slices)}; its id. */
  static String parallelizeFile(Socket s, String rule, String ctx, Path file, int slices) throws IOException {
    return ref(rule, "parallelizeFile",
        Py4JText.call(s, ctx, "parallelizeFile", "s" + Py4JText.escape(file.toString()), "i" + slices));
  }

  /** {@code [port, secret, handle]} of {@code collectAndServe(ds)}. */
  static Object[] collectAndServe(Socket s, String rule, String ctx, String ds) throws IOException {
    return serveInfo(s, rule, "collectAndServe", Py4JText.call(s, ctx, "collectAndServe", "r" + ds));
  }

  /** {@code [port, secret, handle]} of {@code runJobAndServe(ds, partitions)}. */
  static Object[] runJobAndServe(Socket s, String rule, String ctx, String ds, List<Integer> partitions)
      throws IOException {
    List<String> typed = partitions.stream().map(p -> "i" + p).toList();
    return serveInfo(s, rule, "runJobAndServe" + partitions,
        Py4JText.call(s, ctx, "runJobAndServe", "r" + ds, "r" + javaList(s, typed)));
  }
}
