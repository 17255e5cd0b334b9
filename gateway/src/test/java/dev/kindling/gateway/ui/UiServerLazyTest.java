package dev.kindling.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: the UI's port is bound when the context starts, Netty only when a client comes; what a
 * client sees does not change (connections succeed at once, the first ones are answered).
 */
class UiServerLazyTest {
  private static final int READ_TIMEOUT_MILLIS = 30_000;

  private static UiApp app(Engine engine) {
    return new UiApp("app-1", "lazy", 1L, "me", "4.2", Map.of(UiServer.PORT, "0"), engine, 1,
        System.currentTimeMillis(), List::of);
  }

  /** Sends one HTTP/1.0 GET and returns the whole answer. */
  private static String get(Socket s, String path) throws IOException {
    s.setSoTimeout(READ_TIMEOUT_MILLIS);
    OutputStream out = s.getOutputStream();
    out.write(("GET " + path + " HTTP/1.0\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void portIsBoundAtStartAndNettyStartsWithTheFirstClients(@TempDir Path tmp) throws Exception {
    try (Engine engine = new Engine(Map.of("spark.master", "local[1]", "spark.local.dir", tmp.toString()))) {
      UiServer ui = UiServer.start(app(engine));
      try {
        assertThat(ui.url()).isEqualTo("http://127.0.0.1:" + ui.port());
        assertThat(ui.serving()).isFalse();
        // Two clients connect before Netty runs: the first is handed over, the second waits in
        // the backlog for Netty's own accept.
        try (Socket a = new Socket(InetAddress.getLoopbackAddress(), ui.port());
            Socket b = new Socket(InetAddress.getLoopbackAddress(), ui.port())) {
          assertThat(get(b, "/api/v1/applications")).startsWith("HTTP/1.1 200").contains("\"app-1\"");
          assertThat(get(a, "/api/v1/applications/app-1/jobs")).startsWith("HTTP/1.1 200");
        }
        assertThat(ui.serving()).isTrue();
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ui.port())) {
          assertThat(get(c, "/nothing-here")).startsWith("HTTP/1.1 404");
        }
      } finally {
        ui.close();
      }
      assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), ui.port()).close())
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void closedBeforeAnyClientFreesThePortAndStartsNothing(@TempDir Path tmp) throws Exception {
    try (Engine engine = new Engine(Map.of("spark.master", "local[1]", "spark.local.dir", tmp.toString()))) {
      UiServer ui = UiServer.start(app(engine));
      int port = ui.port();
      ui.close();
      assertThat(ui.serving()).isFalse();
      assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("kindling-ui-accept"));
      assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
          .isInstanceOf(ConnectException.class);
    }
  }
}
