package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.EntryPoint.collectAndServe;
import static dev.kindling.tck.gateway.EntryPoint.createContext;
import static dev.kindling.tck.gateway.EntryPoint.parallelizeFile;
import static dev.kindling.tck.gateway.GatewayUnderTest.check;
import static dev.kindling.tck.py4j.Py4JReplies.errorMessage;
import static dev.kindling.tck.py4j.Py4JReplies.ok;
import static dev.kindling.tck.py4j.Py4JReplies.ref;

import dev.kindling.tck.NothingObserved;
import dev.kindling.tck.conninfo.PublishedConnInfo;
import dev.kindling.tck.py4j.Py4JText;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * gateway.md section 5.4, actions: results only through an authenticated one-shot server (GW-5.5)
 * and job failures that name stage, partition and attempts (GW-5.6).
 */
interface ActionRules extends GatewaySection {
  /**
   * GW-5.5: collectAndServe returns {@code [port, secret, handle]}, not the data; the one-shot
   * server answers a wrong secret with "err" and sends nothing, and streams the elements only after
   * the right one.
   */
  @Test
  default void required_GW_5_5_collectOnlyThroughAuthenticatedServer() throws IOException {
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = gw().session()) {
      List<byte[]> items = List.of("alpha".getBytes(StandardCharsets.UTF_8), new byte[0],
          new byte[] {0, (byte) 0x80, (byte) 0xff, 10, 13}, "omega".repeat(50).getBytes(StandardCharsets.UTF_8));
      Path file = dir.resolve("frames");
      Files.write(file, OneShotStreams.frames(items));
      String ctx = ref("GW-5.5", "createContext", createContext(s, "local[2]"));
      String ds = parallelizeFile(s, "GW-5.5", ctx, file, 2);

      Object[] wrong = collectAndServe(s, "GW-5.5", ctx, ds);
      String secret = (String) wrong[1];
      check(secret.length() >= 32, "GW-5.5", "the one-shot server's secret is too short: " + secret.length() + " chars");
      try (Socket c = gw().env().connect((Integer) wrong[0])) {
        char[] w = secret.toCharArray();
        w[0] = w[0] == 'a' ? 'b' : 'a';
        String reply = OneShotServerChecks.authenticate(c, new String(w));
        check("err".equals(reply), "GW-5.5", "the one-shot server answered a wrong secret with " + reply + ", expected err");
        check(Py4JText.closedAfter(c), "GW-5.5", "the one-shot server sent data or stayed open after a wrong secret");
      }

      Object[] right = collectAndServe(s, "GW-5.5", ctx, ds);
      try (Socket c = gw().env().connect((Integer) right[0])) {
        String reply = OneShotServerChecks.authenticate(c, (String) right[1]);
        check("ok".equals(reply), "GW-5.5", "the one-shot server answered the right secret with " + reply);
        byte[] rest = c.getInputStream().readAllBytes();
        byte[] expected = OneShotStreams.frames(items);
        check(Arrays.equals(expected, rest), "GW-5.5", "the collected stream (" + rest.length
            + " bytes) is not the parallelized frames (" + expected.length + " bytes)");
      }
      ok("GW-5.5", "ServeHandle.getResult()", Py4JText.call(s, (String) right[2], "getResult"));
      ok("GW-5.5", "stop()", Py4JText.call(s, ctx, "stop"));
      check(Files.exists(file), "GW-5.5", "the JVM deleted the driver's parallelize file");
    } finally {
      GatewayUnderTest.deleteTree(dir);
    }
  }

  /**
   * GW-5.6: a job whose Python command raises fails the calling thread's action with an error
   * naming the stage, the partition and the number of attempts, and carrying the Python error.
   * Precondition (else it fails as observing nothing): an identity command runs with the
   * configured Python and {@code kindling.tck.pythonpath}; not applicable without
   * {@code --capability pythonWorkers}.
   */
  @Test
  default void required_GW_5_6_jobFailureNamesStagePartitionAttempts() throws IOException, InterruptedException {
    List<String> cmds = gw().buildCommands(List.of("identity", "raise_at:0"));
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = gw().session()) {
      Path file = dir.resolve("frames");
      Files.write(file, OneShotStreams.frames(List.of("x".getBytes(StandardCharsets.UTF_8), "y".getBytes(StandardCharsets.UTF_8))));
      String ctx = ref("GW-5.6", "createContext", createContext(s, "local[1]"));
      String ds = parallelizeFile(s, "GW-5.6", ctx, file, 1);
      String id = ref("GW-5.6", "pythonDataset(identity)", gw().pythonDataset(s, ctx, ds, cmds.get(1), cmds.get(0)));
      String good = Py4JText.call(s, ctx, "collectAndServe", "r" + id);
      NothingObserved.unless(Py4JText.isSuccess(good),
          "the gateway cannot run Python workers with " + gw().pythonExecutable()
              + " (set --python and kindling.tck.pythonpath): " + errorMessage(s, good));
      String bad = ref("GW-5.6", "pythonDataset(raise)", gw().pythonDataset(s, ctx, ds, cmds.get(2), cmds.get(0)));
      String r = Py4JText.call(s, ctx, "collectAndServe", "r" + bad);
      check(Py4JText.isError(r), "GW-5.6", "collectAndServe of a failing job did not raise: " + r);
      String m = errorMessage(s, r);
      check(m.matches("(?is).*\\bstage\\s+\\d+.*"), "GW-5.6", "the job error does not name the stage: " + m);
      check(m.matches("(?is).*\\b(task|partition)\\s+\\d+.*"), "GW-5.6", "the job error does not name the partition: " + m);
      check(m.matches("(?is).*(failed\\s+\\d+\\s+times?|\\d+\\s+attempts?|attempts?\\W+\\d+).*"), "GW-5.6",
          "the job error does not give the number of attempts: " + m);
      check(m.contains("kindling-tck boom at element 0"), "GW-5.6",
          "the job error does not include the Python exception of the last attempt: " + m);
      ok("GW-5.6", "stop()", Py4JText.call(s, ctx, "stop"));
    } finally {
      GatewayUnderTest.deleteTree(dir);
    }
  }
}
