package dev.kindling.gateway;

import dev.kindling.engine.accumulator.AccumulatorListener;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends each successful task's accumulator updates to the driver's update server, the role of
 * Spark's {@code PythonAccumulatorV2.merge}.
 *
 * <pre>
 *   connect (once, lazily) ----- secret as raw UTF-8, no length prefix -------> driver
 *   per task with updates  ----- i32 count | count x (i32 n | n bytes) -------> driver
 *                          <---- one byte 0x01 (ack) --------------------------
 * </pre>
 *
 * <p>Implements WRK-10.4 (JVM side) and GW-5.7: the engine calls {@link #onTaskUpdates} exactly
 * once per successful task; a task without updates sends nothing. A broken connection is
 * reopened once for the next batch; a batch that cannot be delivered is logged, not retried, so it
 * is never applied twice.
 */
final class AccumulatorForwarder implements AccumulatorListener, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AccumulatorForwarder.class.getName());
  static final int ACK = 1;

  private final int port;
  private final byte[] secret;
  private final int timeoutMillis;
  private Socket socket;
  private DataOutputStream out;
  private InputStream in;
  private boolean closed;

  AccumulatorForwarder(int port, String secret, int timeoutMillis) {
    if (port < 1 || port > 65535) {
      throw new KindlingException("accumulator server port " + port + " is outside 1..65535");
    }
    this.port = port;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public synchronized void onTaskUpdates(long taskAttemptId, List<byte[]> updates) {
    if (closed || updates.isEmpty()) {
      return;
    }
    try {
      if (socket == null) {
        open();
      }
      out.writeInt(updates.size());
      for (byte[] u : updates) {
        out.writeInt(u.length);
        out.write(u);
      }
      out.flush();
      int ack = in.read();
      if (ack != ACK) {
        throw new IOException(ack < 0 ? "the driver closed the connection instead of acknowledging"
            : "unexpected acknowledgement byte " + ack);
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "WRK-10.4: could not deliver the accumulator updates of task "
          + taskAttemptId + " to the driver on port " + port + ": " + e.getMessage());
      closeSocket();
    }
  }

  private void open() throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
      s.setSoTimeout(timeoutMillis);
      s.setTcpNoDelay(true);
      DataOutputStream o = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
      o.write(secret);
      o.flush();
      socket = s;
      out = o;
      in = s.getInputStream();
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  private void closeSocket() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Dropping it is all we want.
      }
    }
    socket = null;
    out = null;
    in = null;
  }

  @Override
  public synchronized void close() {
    closed = true;
    closeSocket();
  }
}
