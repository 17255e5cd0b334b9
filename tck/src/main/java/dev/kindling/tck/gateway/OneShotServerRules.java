package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.EntryPoint.collectAndServe;
import static dev.kindling.tck.gateway.EntryPoint.createContextWith;
import static dev.kindling.tck.gateway.EntryPoint.parallelized;
import static dev.kindling.tck.gateway.EntryPoint.runJobAndServe;
import static dev.kindling.tck.gateway.EntryPoint.serveInfo;
import static dev.kindling.tck.gateway.GatewayUnderTest.check;
import static dev.kindling.tck.gateway.ServedFrames.concat;
import static dev.kindling.tck.gateway.ServedFrames.sameFrames;
import static dev.kindling.tck.py4j.Py4JReplies.errorMessage;
import static dev.kindling.tck.py4j.Py4JReplies.ok;
import static dev.kindling.tck.py4j.Py4JReplies.ref;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.NothingObserved;
import dev.kindling.tck.conninfo.PublishedConnInfo;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.tck.py4j.Py4JText;
import dev.kindling.tck.support.Procs;
import dev.kindling.tck.RuleFailure;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * worker.md section 9, the one-shot servers of the driver's actions as the driver sees them
 * through the gateway: one authenticated client each (WRK-9.1), the collect stream (WRK-9.2) and
 * the local iterator's protocol (WRK-9.3). The checks on a server given only its port and secret
 * are {@link OneShotServerChecks}, the streams' codecs {@link OneShotStreams}.
 */
interface OneShotServerRules extends GatewaySection {
  /**
   * WRK-9.1 for the three one-shot servers of the actions (collectAndServe, runJobAndServe,
   * toLocalIteratorAndServe): bound to loopback, silent until the client's secret (a wrong secret
   * is GW-5.5's check), exactly one connection (another one, while the first is served and after,
   * gets nothing even with the right secret), both sockets closed after serving, and no more
   * accepting after {@code spark.python.authenticate.socketTimeout} (2 s times the time factor here) without a client.
   */
  @Test
  default void required_WRK_9_1_oneShotServerAcceptsOneClientThenCloses() throws IOException, InterruptedException {
    // Scaled: under load the client's quiet period plus scheduling delays outlasted a fixed 2 s and
    // the server rightly closed the silent connection (seen at load 43 with time factor 4).
    Duration acceptTimeout = TimeFactor.scale(Duration.ofSeconds(2));
    Duration quiet = TimeFactor.scale(Duration.ofMillis(400));
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = gw().session()) {
      String ctx = ref("WRK-9.1", "createContext(spark.python.authenticate.socketTimeout=2s)",
          createContextWith(s, Map.of("spark.python.authenticate.socketTimeout", acceptTimeout.toMillis() + "ms")));
      String ds = parallelized(s, "WRK-9.1", ctx, dir, ServedFrames.SAMPLE, 2);
      for (String action : List.of("collectAndServe", "runJobAndServe", "toLocalIteratorAndServe")) {
        Object[] info = action.equals("runJobAndServe")
            ? runJobAndServe(s, "WRK-9.1", ctx, ds, List.of(1, 0))
            : serveInfo(s, "WRK-9.1", action, Py4JText.call(s, ctx, action, "r" + ds));
        int port = (Integer) info[0];
        String secret = (String) info[1];
        if (Procs.available()) {
          OneShotServerChecks.loopbackOnly(port);
        }
        try (Socket c = gw().env().connect(port)) {
          OneShotServerChecks.silentBeforeSecret(c, quiet);
          String reply = OneShotServerChecks.authenticate(c, secret);
          check("ok".equals(reply), "WRK-9.1", action + ": the one-shot server answered the right secret with " + reply);
          OneShotServerChecks.otherClientGetsNothing(port, secret, quiet, "while the first client of " + action + " is served");
          if (action.equals("toLocalIteratorAndServe")) {
            OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
            for (int i = 0; i <= 2 && it.next().partition(); i++) {
              // two partitions, then i32 0
            }
            it.expectClosed("after the server's i32 0 (no more partitions)");
          } else {
            ServedFrames.drain(c, "WRK-9.1", action + ": after the last element");
          }
        }
        OneShotServerChecks.otherClientGetsNothing(port, secret, quiet, "after the client of " + action + " was served");
        ok("WRK-9.1", action + ": ServeHandle.getResult()", result(s, "WRK-9.1", (String) info[2], "after serving"));
      }
      Object[] idle = collectAndServe(s, "WRK-9.1", ctx, ds);
      long opened = System.nanoTime();
      if (Procs.available()) {
        OneShotServerChecks.loopbackOnly((Integer) idle[0]); // still listening: the check below is not vacuous
      }
      Duration margin = TimeFactor.scale(Duration.ofMillis(1500));
      long wait = acceptTimeout.plus(margin).toNanos() - (System.nanoTime() - opened);
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      OneShotServerChecks.gaveUpAccepting((Integer) idle[0], (String) idle[1], acceptTimeout, margin);
      result(s, "WRK-9.1", (String) idle[2], "after the accept timeout");
      ok("WRK-9.1", "stop()", Py4JText.call(s, ctx, "stop"));
    } finally {
      GatewayUnderTest.deleteTree(dir);
    }
  }

  /**
   * WRK-9.2 (property): {@code collectAndServe} of a {@code parallelizeFile} dataset streams exactly
   * its frames, in order, then end of stream (no terminator); {@code runJobAndServe} returns the
   * listed partitions, in the listed order (each partition's contents taken from a one-partition
   * run, and all of them together must be the dataset).
   */
  @Test
  default void required_WRK_9_2_collectStreamsEveryFrameThenEnds() throws IOException {
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = gw().session()) {
      String ctx = ref("WRK-9.2", "createContext", createContextWith(s, Map.of()));
      Gen<List<Integer>> orderSeeds = Gens.lists(Gens.integers(0, 1000), 0, 6);
      RuleProperties.property("WRK-9.2", Gens.zip(ServedFrames.framesCases(12, 6), orderSeeds, Map::entry), 8, c -> {
        ServedFrames.FramesCase fc = c.getKey();
        String ds = parallelized(s, "WRK-9.2", ctx, dir, fc.items(), fc.slices());
        collectOf(s, "WRK-9.2", collectAndServe(s, "WRK-9.2", ctx, ds), fc.items(), "collectAndServe of " + fc);
        int n = Integer.parseInt(ok("WRK-9.2", "numPartitions()", Py4JText.call(s, ds, "numPartitions")).substring(1));
        List<List<byte[]>> parts = new ArrayList<>();
        for (int p = 0; p < n; p++) {
          parts.add(elementsOf(s, "WRK-9.2", runJobAndServe(s, "WRK-9.2", ctx, ds, List.of(p)), "runJobAndServe([" + p + "])"));
        }
        check(sameFrames(concat(parts), fc.items()), "WRK-9.2", "runJobAndServe of each partition in turn does not "
            + "give the dataset's frames in order: " + parts.stream().map(List::size).toList() + " elements per partition for " + fc);
        // A permutation of a subset of the partitions, drawn from the generated numbers.
        List<Integer> order = new ArrayList<>();
        for (int k : c.getValue()) {
          int p = n == 0 ? -1 : k % n;
          if (p >= 0 && !order.contains(p)) {
            order.add(p);
          }
        }
        List<byte[]> expected = concat(order.stream().map(parts::get).toList());
        collectOf(s, "WRK-9.2", runJobAndServe(s, "WRK-9.2", ctx, ds, order), expected,
            "runJobAndServe(" + order + ") of " + fc);
      });
      ok("WRK-9.2", "stop()", Py4JText.call(s, ctx, "stop"));
    } finally {
      GatewayUnderTest.deleteTree(dir);
    }
  }

  /**
   * WRK-9.2 (property): a {@code string} dataset ({@code textFile} of UTF-8 lines, non-ASCII
   * included, split over 1..4 partitions) collects as one {@code utf} frame per line, in order.
   */
  @Test
  default void required_WRK_9_2_collectOfTextIsUtfFrames() throws IOException {
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = gw().session()) {
      String ctx = ref("WRK-9.2", "createContext", createContextWith(s, Map.of()));
      RuleProperties.property("WRK-9.2", Gens.zip(ServedFrames.textLines(), Gens.integers(1, 4), Map::entry), 8, c -> {
        Path file = Files.createTempFile(dir, "lines-", ".txt");
        StringBuilder text = new StringBuilder();
        c.getKey().forEach(l -> text.append(l).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
        String ds = ref("WRK-9.2", "textFile",
            Py4JText.call(s, ctx, "textFile", "s" + Py4JText.escape(file.toString()), "i" + c.getValue()));
        List<byte[]> expected = c.getKey().stream().map(l -> l.getBytes(StandardCharsets.UTF_8)).toList();
        collectOf(s, "WRK-9.2", collectAndServe(s, "WRK-9.2", ctx, ds), expected,
            "collectAndServe of textFile(" + c.getKey().size() + " lines, minPartitions " + c.getValue() + ")");
      });
      ok("WRK-9.2", "stop()", Py4JText.call(s, ctx, "stop"));
    } finally {
      GatewayUnderTest.deleteTree(dir);
    }
  }

  /**
   * WRK-9.3 (property): {@code i32 1} per partition gets {@code i32 1}, that partition's elements
   * (as {@code runJobAndServe([p])} gives them) and {@code i32 -1}; after the last partition
   * {@code i32 0} and close. A client that stops early ({@code i32 0} after the first partition,
   * or before any request) makes the server close without another byte, and
   * {@code ServeHandle.getResult()} returns.
   */
  @Test
  default void required_WRK_9_3_localIteratorServesPartitionsOnRequest() throws IOException {
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = gw().session()) {
      String ctx = ref("WRK-9.3", "createContext", createContextWith(s, Map.of()));
      RuleProperties.property("WRK-9.3", ServedFrames.framesCases(10, 5), 6, fc -> {
        String ds = parallelized(s, "WRK-9.3", ctx, dir, fc.items(), fc.slices());
        int n = Integer.parseInt(ok("WRK-9.3", "numPartitions()", Py4JText.call(s, ds, "numPartitions")).substring(1));
        Object[] info = toLocalIterator(s, ctx, ds);
        List<List<byte[]>> parts = new ArrayList<>();
        try (Socket c = oneShotClient("WRK-9.3", info)) {
          OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
          while (true) {
            OneShotStreams.Answer a = it.next();
            if (a.status() == 0) {
              break;
            }
            check(a.partition(), "WRK-9.3", "partition " + parts.size() + " of " + fc + " answered i32 -1 (error)\ntrace:\n" + it.trace());
            parts.add(a.elements());
            check(parts.size() <= n, "WRK-9.3", "more than numPartitions() = " + n + " partitions served\ntrace:\n" + it.trace());
          }
          check(parts.size() == n, "WRK-9.3", "i32 0 after " + parts.size() + " of " + n + " partitions\ntrace:\n" + it.trace());
          it.expectClosed("after the server's i32 0 (no more partitions)");
          check(sameFrames(concat(parts), fc.items()), "WRK-9.3", "the partitions together are not the dataset's frames in order ("
              + parts.stream().map(List::size).toList() + " elements per partition for " + fc + ")\ntrace:\n" + it.trace());
        }
        ok("WRK-9.3", "ServeHandle.getResult()", result(s, "WRK-9.3", (String) info[2], "after the last partition"));
        for (int p = 0; p < n; p++) {
          List<byte[]> one = elementsOf(s, "WRK-9.3", runJobAndServe(s, "WRK-9.3", ctx, ds, List.of(p)), "runJobAndServe([" + p + "])");
          check(sameFrames(one, parts.get(p)), "WRK-9.3", "the local iterator's partition " + p + " has " + parts.get(p).size()
              + " elements, runJobAndServe([" + p + "]) " + one.size() + " (" + fc + ")");
        }
      });

      String ds = parallelized(s, "WRK-9.3", ctx, dir, ServedFrames.SAMPLE, 3);
      Object[] early = toLocalIterator(s, ctx, ds);
      try (Socket c = oneShotClient("WRK-9.3", early)) {
        OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
        check(it.next().partition(), "WRK-9.3", "the first of 3 partitions was not served\ntrace:\n" + it.trace());
        it.stop();
        it.expectClosed("after the client's i32 0 (stop)");
      }
      result(s, "WRK-9.3", (String) early[2], "after the client stopped early");
      Object[] none = toLocalIterator(s, ctx, ds);
      try (Socket c = oneShotClient("WRK-9.3", none)) {
        OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
        it.stop();
        it.expectClosed("after the client's i32 0 before any request");
      }
      result(s, "WRK-9.3", (String) none[2], "after the client stopped before any request");
      ok("WRK-9.3", "stop()", Py4JText.call(s, ctx, "stop"));
    } finally {
      GatewayUnderTest.deleteTree(dir);
    }
  }

  /**
   * WRK-9.3: a partition whose job fails is answered {@code i32 -1} in place of {@code i32 1}, the
   * server closes, and the error (the Python exception) is then reachable through the gateway
   * ({@code ServeHandle.getResult()}). Needs Python workers, like GW-5.6.
   */
  @Test
  default void required_WRK_9_3_failingPartitionAnswersMinusOne() throws IOException, InterruptedException {
    List<String> cmds = gw().buildCommands(List.of("identity", "raise_at:0"));
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = gw().session()) {
      String ctx = ref("WRK-9.3", "createContext", createContextWith(s, Map.of("spark.master", "local[1]")));
      String ds = parallelized(s, "WRK-9.3", ctx, dir, List.of("x".getBytes(StandardCharsets.UTF_8)), 2);
      String id = ref("WRK-9.3", "pythonDataset(identity)", gw().pythonDataset(s, ctx, ds, cmds.get(1), cmds.get(0)));
      String good = Py4JText.call(s, ctx, "collectAndServe", "r" + id);
      NothingObserved.unless(Py4JText.isSuccess(good),
          "the gateway cannot run Python workers with " + gw().pythonExecutable()
              + " (set --python and kindling.tck.pythonpath): " + errorMessage(s, good));
      String bad = ref("WRK-9.3", "pythonDataset(raise)", gw().pythonDataset(s, ctx, ds, cmds.get(2), cmds.get(0)));
      Object[] info = toLocalIterator(s, ctx, bad);
      try (Socket c = oneShotClient("WRK-9.3", info)) {
        OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
        // The one element sits in one of the two partitions; an empty partition may be served first.
        OneShotStreams.Answer a = it.next();
        for (int i = 0; i < 2 && a.partition(); i++) {
          check(a.elements().isEmpty(), "WRK-9.3", "a partition whose command raises at its first element was served with "
              + a.elements().size() + " elements\ntrace:\n" + it.trace());
          a = it.next();
        }
        check(a.status() == -1, "WRK-9.3", "the partition whose job failed was answered i32 " + a.status()
            + ", expected -1\ntrace:\n" + it.trace());
        it.expectClosed("after the server's i32 -1 (error)");
      }
      String r = result(s, "WRK-9.3", (String) info[2], "after the error");
      check(Py4JText.isError(r), "WRK-9.3", "ServeHandle.getResult() after i32 -1 did not raise: " + r);
      String m = errorMessage(s, r);
      check(m.contains("kindling-tck boom at element 0"), "WRK-9.3",
          "the error reachable through the gateway does not carry the Python exception: " + m);
      ok("WRK-9.3", "stop()", Py4JText.call(s, ctx, "stop"));
    } finally {
      GatewayUnderTest.deleteTree(dir);
    }
  }

  /** {@code [port, secret, handle]} of {@code toLocalIteratorAndServe(ds)}. */
  private static Object[] toLocalIterator(Socket s, String ctx, String ds) throws IOException {
    return serveInfo(s, "WRK-9.3", "toLocalIteratorAndServe", Py4JText.call(s, ctx, "toLocalIteratorAndServe", "r" + ds));
  }

  /** Connects and authenticates to a one-shot server; a refusal fails {@code rule}. */
  private Socket oneShotClient(String rule, Object[] info) throws IOException {
    Socket c = gw().env().connect((Integer) info[0]);
    String reply = OneShotServerChecks.authenticate(c, (String) info[1]);
    check("ok".equals(reply), rule, "the one-shot server answered the right secret with " + reply + ", expected ok");
    return c;
  }

  /** {@code handle.getResult()} answers within the timeout (a hang fails {@code rule}); the raw reply. */
  private static String result(Socket s, String rule, String handle, String after) throws IOException {
    try {
      String r = Py4JText.call(s, handle, "getResult");
      check(r != null, rule, "the gateway closed the connection on ServeHandle.getResult() " + after);
      return r;
    } catch (SocketTimeoutException e) {
      throw new RuleFailure(rule, "ServeHandle.getResult() " + after + " did not return within the timeout", e);
    }
  }

  /** The elements of a collect-like server, with the stream checked to end right after them. */
  private void collectOf(Socket s, String rule, Object[] info, List<byte[]> expected, String what) throws IOException {
    try (Socket c = oneShotClient(rule, info)) {
      OneShotStreams.expectCollect(c.getInputStream(), expected, what);
    }
    ok(rule, what + ": ServeHandle.getResult()", result(s, rule, (String) info[2], "after " + what));
  }

  /** Every element of a collect-like server, read to end of stream (no expectation on contents). */
  private List<byte[]> elementsOf(Socket s, String rule, Object[] info, String what) throws IOException {
    byte[] all;
    try (Socket c = oneShotClient(rule, info)) {
      all = ServedFrames.drain(c, rule, what);
    }
    ok(rule, what + ": ServeHandle.getResult()", result(s, rule, (String) info[2], "after " + what));
    return ServedFrames.split(all, rule, what);
  }
}
