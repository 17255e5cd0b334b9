package dev.kindling.tck.driver;

import dev.kindling.tck.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The TCK playing the JVM's Py4J server for a driver under test: checks the handshake (GW-2.1)
 * against its secret, answers {@code version()} on the entry point with {@link #VERSION}, any
 * other call with void, and records the first line(s) of every connection.
 */
final class FakePy4JServer {
  static final String VERSION = "kindling-tck-fake-gateway";

  final ServerSocket server;
  final String secret;
  /** Per connection: the handshake as received ("A\n" + secret line), or what came instead. */
  final List<String> handshakes = new CopyOnWriteArrayList<>();
  final List<String> commands = new CopyOnWriteArrayList<>();

  FakePy4JServer(TestEnvironment env, String secret) {
    this.server = env.listen();
    this.secret = secret;
    Thread t = new Thread(this::acceptLoop, "kindling-tck-fake-py4j");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> serve(s), "kindling-tck-fake-py4j-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setSoTimeout(60_000);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      String first = readLine(in);
      String second = "A".equals(first) ? readLine(in) : null;
      handshakes.add(first + "\n" + second);
      if (!"A".equals(first) || !secret.equals(second)) {
        out.write("!xsAuthentication error: bad auth token received.\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      out.write("!yv\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        String cmd = readLine(in);
        if (cmd == null || cmd.equals("s")) {
          return;
        }
        StringBuilder all = new StringBuilder(cmd);
        String line;
        while ((line = readLine(in)) != null && !line.equals("e")) {
          all.append('\n').append(line);
        }
        commands.add(all.toString());
        String reply = all.toString().startsWith("c\nt\nversion") ? "!ys" + VERSION + "\n" : "!yv\n";
        out.write(reply.getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (line == null) {
          return;
        }
      }
    } catch (IOException e) {
      // the driver closed the connection
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.write(c);
      if (b.size() > 70_000) {
        break;
      }
    }
    return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
  }
}
