package dev.kindling.bridge.launch;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.header.TaskHeaderCodec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A JVM stand-in for a Python echo worker on a real loopback socket, so the bench can measure the
 * bridge's I/O model without Python's own cost. Speaks spark-4.2 output, serves tasks until EOF.
 */
public final class FakeEchoWorker implements AutoCloseable {
  private final ServerSocketChannel server;
  private final Thread thread;

  public FakeEchoWorker() throws IOException {
    server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    thread = new Thread(this::serve, "fake-echo-worker");
    thread.setDaemon(true);
    thread.start();
  }

  /** Connects a worker handle to this fake (blocking mode, like a freshly launched worker). */
  public PythonWorker connect() throws IOException {
    SocketChannel ch = SocketChannel.open(server.getLocalAddress());
    ch.socket().setTcpNoDelay(true);
    return new PythonWorker(ch, -1, null, null, null);
  }

  private void serve() {
    try (SocketChannel ch = server.accept()) {
      ch.socket().setTcpNoDelay(true);
      DataInputStream in = new DataInputStream(new BufferedInputStream(ch.socket().getInputStream(), 65536));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(ch.socket().getOutputStream(), 65536));
      byte[] buf = new byte[1 << 20];
      while (true) {
        TaskHeaderCodec.decode(in, Profile.SPARK_4_2, Limits.defaults());
        while (true) {
          int n = in.readInt();
          if (n == -1) {
            break;
          }
          if (n > buf.length) {
            buf = new byte[n];
          }
          in.readFully(buf, 0, n);
          out.writeInt(n);
          out.write(buf, 0, n);
        }
        long now = System.currentTimeMillis();
        out.writeInt(-3);
        out.writeLong(now);
        out.writeLong(now);
        out.writeLong(now);
        out.writeLong(0);
        out.writeLong(0);
        out.writeLong(0);
        out.writeInt(-1);
        out.writeInt(0);
        int end = in.readInt();
        out.writeInt(end == -4 ? -4 : -1);
        out.flush();
      }
    } catch (IOException e) {
      // The bench closed the connection.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
