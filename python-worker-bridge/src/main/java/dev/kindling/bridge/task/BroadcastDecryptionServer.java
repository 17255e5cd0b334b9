package dev.kindling.bridge.task;

import dev.kindling.bridge.TaskSpec;
import dev.kindling.protocol.auth.SocketAuth;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The JVM side of Spark's encrypted broadcast server (PythonRunner's
 * {@code EncryptedPythonBroadcastServer}), one per task that adds broadcasts while
 * {@code spark.io.encryption.enabled} is on. Implements WRK-4.5.4 and WRK-9.5: the worker, told
 * the port and secret in the header's broadcast section, connects, authenticates, and reads
 *
 * <pre>
 *   for each added id:  i64 id | the value's pickle bytes (no length: one pickle)
 *   then it answers:    1 byte 0x31
 * </pre>
 *
 * Accept, authentication and the acknowledgement each wait at most {@code timeoutMs}; the server
 * serves one connection and closes.
 */
public final class BroadcastDecryptionServer implements Closeable {
  private static final Logger LOG = Logger.getLogger(BroadcastDecryptionServer.class.getName());
  static final int ACK = 0x31;

  private final ServerSocket server;
  private final String secret = SocketAuth.newSecret();
  private final Thread thread;
  private volatile Socket client;

  private BroadcastDecryptionServer(List<Long> ids, TaskSpec.BroadcastSource source, int timeoutMs) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    server.setSoTimeout(timeoutMs);
    thread = new Thread(() -> serve(ids, source, timeoutMs), "kindling-broadcast-decryption");
    thread.setDaemon(true);
  }

  public static BroadcastDecryptionServer start(List<Long> ids, TaskSpec.BroadcastSource source, int timeoutMs)
      throws IOException {
    BroadcastDecryptionServer s = new BroadcastDecryptionServer(ids, source, timeoutMs);
    s.thread.start();
    return s;
  }

  public int port() {
    return server.getLocalPort();
  }

  public String secret() {
    return secret;
  }

  private void serve(List<Long> ids, TaskSpec.BroadcastSource source, int timeoutMs) {
    try (ServerSocket s = server; Socket sock = s.accept()) {
      client = sock;
      sock.setSoTimeout(timeoutMs);
      InputStream in = new BufferedInputStream(sock.getInputStream());
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(sock.getOutputStream(), 1 << 16));
      SocketAuth.serverHandshake(in, out, secret);
      for (long id : ids) {
        out.writeLong(id);
        try (InputStream value = source.open(id)) {
          value.transferTo(out);
        }
      }
      out.flush();
      int ack = in.read();
      if (ack != ACK) {
        LOG.warning("WRK-9.5: the worker answered " + ack + " instead of 0x31 after the broadcast values");
      }
    } catch (IOException | RuntimeException e) {
      // The task fails on its own when its worker cannot read the values; say why here.
      LOG.log(Level.WARNING, "WRK-4.5.4: broadcast decryption server: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
      Socket c = client;
      if (c != null) {
        c.close();
      }
    } catch (IOException e) {
      // closing a loopback socket we own; nothing else to do
    }
  }
}
