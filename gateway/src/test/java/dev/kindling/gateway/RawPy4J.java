package dev.kindling.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A raw Py4J client for wire tests: bytes in, lines out, every read with a timeout. */
final class RawPy4J implements AutoCloseable {
  static final int READ_TIMEOUT_MILLIS = 5_000;

  private final Socket socket;
  private final InputStream in;

  RawPy4J(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(READ_TIMEOUT_MILLIS);
    in = socket.getInputStream();
  }

  /** Sends {@code text}; a reset while sending (the server already gave up) is not an error. */
  RawPy4J send(String text) {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  RawPy4J send(byte[] bytes) {
    try {
      socket.getOutputStream().write(bytes);
      socket.getOutputStream().flush();
    } catch (IOException e) {
      // The server may reset the connection before it read everything; the reply says why.
    }
    return this;
  }

  /** The next line without its LF, or null at end of stream or reset. Times out as a failure. */
  String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    try {
      while (true) {
        int b = in.read();
        if (b < 0) {
          return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
        }
        if (b == '\n') {
          return line.toString(StandardCharsets.UTF_8);
        }
        line.write(b);
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("no reply within " + READ_TIMEOUT_MILLIS + " ms", e);
    } catch (SocketException e) {
      return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }
  }

  /** True when the server closed or reset the connection (nothing more to read). */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true;
    }
  }

  /** Half-closes our side, then waits (bounded) for the server to close its side. */
  boolean closedByServerAfterShutdownOutput() throws IOException {
    socket.shutdownOutput();
    return closedByServer();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
