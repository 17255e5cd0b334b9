package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.GatewayUnderTest.check;
import static dev.kindling.tck.py4j.Py4JReplies.ok;
import static dev.kindling.tck.py4j.Py4JReplies.ref;

import dev.kindling.tck.Capability;
import dev.kindling.tck.Verification;
import dev.kindling.tck.conninfo.PublishedConnInfo;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.TckParameters;
import dev.kindling.tck.py4j.Py4JText;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kindling-strengthened pre-authentication rules of the gateway's servers: the one-shot servers
 * (WRK-2.9, WRK-2.10) and the Py4J port (GW-2.7), checked as a local attacker would: processes that connect to the server's port before the real client, with nothing,
 * a wrong secret or a bad length, and a flood of silent connections. The real client must still be
 * served the whole result. Apache Spark's servers accept exactly one connection and fail these
 * checks by design (the spec marks the rules as deviations).
 */
@ExtendWith(TckParameters.Resolver.class)
public abstract class OneShotRaceVerification extends Verification {
  /** The limit of pending unauthenticated connections (worker.md section 11). */
  static final int MAX_PENDING = 8;

  private static final List<byte[]> ITEMS = List.of("race".getBytes(StandardCharsets.UTF_8), new byte[0],
      new byte[] {0, (byte) 0x80, (byte) 0xff}, "x".repeat(300).getBytes(StandardCharsets.UTF_8));

  private GatewayUnderTest gateway;

  /** The command that starts the gateway under test. */
  protected List<String> gatewayCommand() {
    return config().command();
  }

  @BeforeEach
  final void createGatewayUnderTest(TckParameters fromRun) {
    gateway = new GatewayUnderTest(config(), env(), fromRun, this::gatewayCommand, () -> config().pythonExecutable(),
        () -> config().timeout().compareTo(Duration.ofSeconds(30)) < 0 ? Duration.ofSeconds(30) : config().timeout(),
        () -> requireCapability(Capability.PYTHON_WORKERS));
  }

  private PublishedConnInfo gateway() {
    return gateway.published();
  }

  private Socket session() throws IOException {
    return gateway.session();
  }

  /** A context and a two-partition dataset of {@link #ITEMS}; runs {@code body(ctx, ds)}. */
  private void withDataset(String rule, Socket s, Path dir, DatasetBody body) throws IOException {
    Path file = dir.resolve("frames");
    Files.write(file, OneShotStreams.frames(ITEMS));
    String ctx = ref(rule, "createContext", EntryPoint.createContextWith(s, Map.of()));
    try {
      String ds = EntryPoint.parallelizeFile(s, rule, ctx, file, 2);
      body.run(ctx, ds);
    } finally {
      Py4JText.call(s, ctx, "stop");
    }
  }

  private interface DatasetBody {
    void run(String ctx, String ds) throws IOException;
  }

  /** The real client: authenticates and must then read exactly the collected frames. */
  private void realClientIsServed(String rule, Socket s, Object[] info, String after) throws IOException {
    try (Socket c = env().connect((Integer) info[0])) {
      String reply = OneShotServerChecks.authenticate(c, (String) info[1]);
      check("ok".equals(reply), rule, "after " + after + " the real client's right secret was answered "
          + reply + ": a connection that failed to authenticate took the real client's place");
      byte[] rest;
      try {
        rest = c.getInputStream().readAllBytes();
      } catch (SocketTimeoutException e) {
        throw new RuleFailure(rule, "after " + after + " the server did not end the collect stream", e);
      }
      check(Arrays.equals(OneShotStreams.frames(ITEMS), rest), rule, "after " + after
          + " the real client read " + rest.length + " bytes, not the " + OneShotStreams.frames(ITEMS).length
          + " of the collected frames");
    }
    ok(rule, "ServeHandle.getResult() after " + after, Py4JText.call(s, (String) info[2], "getResult"));
  }

  /** End of stream (or a reset) within the timeout: the server closed the connection. */
  private static boolean closedByServer(Socket c) throws IOException {
    try {
      InputStream in = c.getInputStream();
      while (in.read() >= 0) {
        // an "err" reply may come first
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /**
   * WRK-2.9: a racer that connects first and sends nothing, one with a wrong secret (answered
   * "err" and closed) and one with a negative length (answered "err") do not stop the real client,
   * which connects last, from being served the whole result; the silent racer is closed once the
   * real client has won.
   */
  @Test
  void required_WRK_2_9_racersDoNotTakeTheRealClientsPlace() throws IOException {
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      withDataset("WRK-2.9", s, dir, (ctx, ds) -> {
        Object[] info = EntryPoint.collectAndServe(s, "WRK-2.9", ctx, ds);
        int port = (Integer) info[0];
        String secret = (String) info[1];
        try (Socket silent = env().connect(port); Socket wrong = env().connect(port); Socket negative = env().connect(port)) {
          char[] w = secret.toCharArray();
          w[w.length - 1] = w[w.length - 1] == 'a' ? 'b' : 'a';
          String reply = OneShotServerChecks.authenticate(wrong, new String(w));
          check("err".equals(reply), "WRK-2.9", "a racer's wrong secret was answered " + reply + ", expected err");
          check(closedByServer(wrong), "WRK-2.9", "the server kept a racer with a wrong secret open");
          DataOutputStream out = new DataOutputStream(negative.getOutputStream());
          out.writeInt(-7);
          out.flush();
          check(closedByServer(negative), "WRK-2.9", "the server kept a racer with a negative secret length open");
          realClientIsServed("WRK-2.9", s, info, "a silent racer, a wrong secret and a negative length");
          check(closedByServer(silent), "WRK-2.9",
              "the silent racer was still open after the real client was served");
        }
      });
    } finally {
      GatewayUnderTest.deleteTree(dir);
    }
  }

  /**
   * WRK-2.10: a flood of {@code 2 × maxPendingAuthConnections} silent connections: the server
   * closes the oldest beyond the limit while they are still silent, and the real client,
   * connecting after the flood, is still served.
   */
  @Test
  void required_WRK_2_10_pendingConnectionsAreBounded() throws IOException {
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = session()) {
      withDataset("WRK-2.10", s, dir, (ctx, ds) -> {
        Object[] info = EntryPoint.collectAndServe(s, "WRK-2.10", ctx, ds);
        int port = (Integer) info[0];
        List<Socket> flood = new ArrayList<>();
        try {
          for (int i = 0; i < 2 * MAX_PENDING; i++) {
            flood.add(env().connect(port));
          }
          for (int i = 0; i < MAX_PENDING; i++) {
            check(closedByServer(flood.get(i)), "WRK-2.10", "silent connection " + (i + 1) + " of "
                + flood.size() + " was still open: more than " + MAX_PENDING + " unauthenticated connections were held");
          }
          realClientIsServed("WRK-2.10", s, info, flood.size() + " silent connections");
        } finally {
          for (Socket f : flood) {
            f.close();
          }
        }
      });
    } finally {
      GatewayUnderTest.deleteTree(dir);
    }
  }

  /** gateway.md: limits.maxPendingGatewayHandshakes. */
  static final int MAX_PENDING_GATEWAY = 64;

  /**
   * GW-2.7: {@code maxPendingGatewayHandshakes + 16} idle connections to the Py4J port: the
   * oldest 16 are closed while they are still silent, and a driver connecting after the flood still
   * authenticates and runs a command.
   */
  @Test
  void required_GW_2_7_pendingGatewayHandshakesAreBounded() throws IOException {
    int port = gateway().port;
    List<Socket> flood = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_PENDING_GATEWAY + 16; i++) {
        flood.add(env().connect(port));
      }
      for (int i = 0; i < 16; i++) {
        check(closedByServer(flood.get(i)), "GW-2.7", "idle Py4J connection " + (i + 1) + " of "
            + flood.size() + " was still open: more than " + MAX_PENDING_GATEWAY + " unauthenticated connections were held");
      }
      try (Socket s = session()) {
        String v = Py4JText.call(s, "t", "version");
        check(Py4JText.isString(v), "GW-2.7", "version() after the flood answered " + v);
      }
    } finally {
      for (Socket f : flood) {
        f.close();
      }
    }
  }
}
