package dev.kindling.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.protocol.ProtocolConstants;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.auth.SocketAuth;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GW-2.7: a flood of idle connections costs a bounded number of sockets and threads. */
class HandshakeGateBoundTest {
  private static final int LIMIT = ProtocolConstants.Limits.MAX_PENDING_GATEWAY_HANDSHAKES;
  private final String secret = SocketAuth.newSecret();
  private final List<Socket> idle = new ArrayList<>();
  private Py4JServer server;

  @AfterEach
  void stop() throws IOException {
    for (Socket s : idle) {
      s.close();
    }
    if (server != null) {
      server.shutdown();
    }
  }

  private static boolean endedByServer(Socket s) throws IOException {
    s.setSoTimeout((int) TimeFactor.millis(10_000));
    try {
      return s.getInputStream().read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static long authThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("kindling-py4j-auth-")).count();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void GW_2_7_idleConnectionsBeyondTheLimitResetTheOldest(boolean pinned) throws Exception {
    server = Py4JServer.start(new KindlingEntryPoint(Profile.SPARK_4_2), secret, pinned);
    int extra = 16;
    for (int i = 0; i < LIMIT + extra; i++) {
      idle.add(new Socket(InetAddress.getLoopbackAddress(), server.port()));
    }
    for (int i = 0; i < extra; i++) {
      assertThat(endedByServer(idle.get(i))).as("idle connection %d (of the oldest %d) reset", i, extra).isTrue();
    }
    // the real client still gets in while the newest LIMIT are pending
    try (RawPy4J c = new RawPy4J(server.port())) {
      c.send("A\n" + secret + "\n");
      assertThat(c.readLine()).isEqualTo("!yv");
      c.send("c\nt\nprotocolProfile\ne\n");
      assertThat(c.readLine()).isEqualTo("!ysspark-4.2");
    }
    // threads: at most one per pending handshake (the evicted ones end when their socket resets)
    long deadline = System.nanoTime() + TimeFactor.scale(java.time.Duration.ofSeconds(10)).toNanos();
    while (authThreads() > LIMIT && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(authThreads()).isLessThanOrEqualTo(LIMIT);
  }
}
