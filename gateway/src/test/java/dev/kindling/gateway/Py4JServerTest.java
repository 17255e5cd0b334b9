package dev.kindling.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.auth.SocketAuth;
import dev.kindling.protocol.spec.SpecRule;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Collections;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Wire tests against an in-process server, in both Py4J modes (GW-1.1). */
class Py4JServerTest {
  private final String secret = SocketAuth.newSecret();
  private Py4JServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.shutdown();
    }
  }

  private Py4JServer start(boolean pinned) throws IOException {
    server = Py4JServer.start(new KindlingEntryPoint(Profile.SPARK_4_2), secret, pinned);
    return server;
  }

  /** A Py4J command whose only effect is to set a system property; returns the property name. */
  private static String sideEffect(StringBuilder command) {
    String key = "kindling.test." + UUID.randomUUID();
    command.append("c\nz:java.lang.System\nsetProperty\ns").append(key).append("\nsyes\ne\n");
    return key;
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void GW_2_2_rightSecretThenCommandsRun(boolean pinned) throws IOException {
    start(pinned);
    try (RawPy4J c = new RawPy4J(server.port())) {
      c.send("A\n" + secret + "\n");
      assertThat(c.readLine()).isEqualTo("!yv");
      c.send("c\nt\nprotocolProfile\ne\n");
      assertThat(c.readLine()).isEqualTo("!ysspark-4.2");
      StringBuilder cmd = new StringBuilder();
      String key = sideEffect(cmd);
      c.send(cmd.toString());
      assertThat(c.readLine()).startsWith("!y");
      assertThat(System.getProperty(key)).isEqualTo("yes");
      System.clearProperty(key);
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void GW_2_3_wrongSecretRejectedAndNothingExecuted(boolean pinned) throws IOException {
    start(pinned);
    StringBuilder cmd = new StringBuilder("A\nwrong\n");
    String key = sideEffect(cmd);
    try (RawPy4J c = new RawPy4J(server.port())) {
      c.send(cmd.toString());
      String line = c.readLine();
      if (line != null) {
        assertThat(line).isEqualTo("!xsAuthentication error: bad auth token received.");
      }
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(System.getProperty(key)).isNull();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void GW_2_3_emptySecretRejected(boolean pinned) throws IOException {
    start(pinned);
    StringBuilder cmd = new StringBuilder("A\n\n");
    String key = sideEffect(cmd);
    try (RawPy4J c = new RawPy4J(server.port())) {
      c.send(cmd.toString());
      String line = c.readLine();
      assertThat(line == null || line.startsWith("!x")).isTrue();
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(System.getProperty(key)).isNull();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void GW_2_3_missingSecretClosesWithoutRunning(boolean pinned) throws IOException {
    start(pinned);
    try (RawPy4J c = new RawPy4J(server.port())) {
      c.send("A\n");
      // Half-close: the server sees end of stream where the secret should be.
      assertThat(c.closedByServerAfterShutdownOutput()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void GW_2_4_commandBeforeAuthRejectedAndConnectionClosed(boolean pinned) throws IOException {
    start(pinned);
    StringBuilder cmd = new StringBuilder();
    String key = sideEffect(cmd);
    try (RawPy4J c = new RawPy4J(server.port())) {
      c.send(cmd.toString());
      String line = c.readLine();
      if (line != null) {
        assertThat(line).isEqualTo("!xsAuthentication error: unexpected command.");
      }
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(System.getProperty(key)).isNull();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void GW_2_5_oversizedSecretLineRejectedAndNothingExecuted(boolean pinned) throws IOException {
    start(pinned);
    StringBuilder cmd = new StringBuilder("A\n").append("a".repeat(70_000)).append('\n');
    String key = sideEffect(cmd);
    try (RawPy4J c = new RawPy4J(server.port())) {
      c.send(cmd.toString());
      String line = c.readLine();
      assertThat(line == null || line.startsWith("!x")).isTrue();
      assertThat(c.closedByServer()).isTrue();
    }
    assertThat(System.getProperty(key)).isNull();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void GW_2_5_secretPlusCommandsOnOneOversizedLineRejected(boolean pinned) throws IOException {
    start(pinned);
    try (RawPy4J c = new RawPy4J(server.port())) {
      c.send("a".repeat(Py4JHandshake.DEFAULT_MAX_LINE_BYTES + 10));
      String line = c.readLine();
      assertThat(line == null || line.startsWith("!x")).isTrue();
      assertThat(c.closedByServer()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  @SpecRule({"GW-1.2", "CONN-3.4"})
  void GW_1_2_listensOnLoopbackOnly(boolean pinned) throws IOException {
    start(pinned);
    assertThat(server.port()).isBetween(1, 65535);
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      for (InetAddress a : Collections.list(ni.getInetAddresses())) {
        if (a.isLoopbackAddress() || !(a instanceof Inet4Address)) {
          continue;
        }
        try (Socket s = new Socket()) {
          assertThatThrownBy(() -> s.connect(new InetSocketAddress(a, server.port()), 2_000))
              .isInstanceOf(IOException.class);
        }
      }
    }
  }

  @Test
  void GW_1_1_modeFromPinThreadVariable() {
    assertThat(Py4JServer.pinnedFromEnv(null)).isTrue();
    assertThat(Py4JServer.pinnedFromEnv("true")).isTrue();
    assertThat(Py4JServer.pinnedFromEnv("TRUE")).isTrue();
    assertThat(Py4JServer.pinnedFromEnv("false")).isFalse();
    assertThat(Py4JServer.pinnedFromEnv("")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void GW_1_1_serverModeMatchesRequest(boolean pinned) throws IOException {
    assertThat(start(pinned).pinned()).isEqualTo(pinned);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void CONN_3_3_bindFailureIsAnIOExceptionNamingTheAddress(boolean pinned) throws IOException {
    try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(() -> Py4JServer.start(new KindlingEntryPoint(Profile.SPARK_4_2), secret,
              pinned, Py4JHandshake.DEFAULT_MAX_LINE_BYTES, busy.getLocalPort()))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("bind")
          .hasMessageContaining(Integer.toString(busy.getLocalPort()));
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void GW_3_1_shutdownClosesAuthenticatedAndPendingConnections(boolean pinned) throws IOException {
    start(pinned);
    try (RawPy4J authed = new RawPy4J(server.port()); RawPy4J pending = new RawPy4J(server.port())) {
      authed.send("A\n" + secret + "\n");
      assertThat(authed.readLine()).isEqualTo("!yv");
      pending.send("A\n");
      server.shutdown();
      assertThat(authed.closedByServer()).isTrue();
      assertThat(pending.closedByServer()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void driverShutdownCommandAlsoClosesPendingHandshakes(boolean pinned) throws IOException {
    start(pinned);
    try (RawPy4J authed = new RawPy4J(server.port()); RawPy4J pending = new RawPy4J(server.port())) {
      authed.send("A\n" + secret + "\n");
      assertThat(authed.readLine()).isEqualTo("!yv");
      pending.send("A\n");
      authed.send("s\n");
      assertThat(authed.closedByServer()).isTrue();
      assertThat(pending.closedByServer()).isTrue();
    }
  }
}
