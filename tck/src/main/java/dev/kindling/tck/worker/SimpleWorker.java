package dev.kindling.tck.worker;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolConstants.Env;
import dev.kindling.protocol.auth.SocketAuth;
import dev.kindling.tck.LaunchedProcess;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.TestEnvironment;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * A simple-mode worker under test (WRK-3.3, 3.4): the TCK listens on loopback, starts
 * {@code python -m <workerModule>} with the port and secret in its environment and accepts it.
 */
final class SimpleWorker implements AutoCloseable {
  final LaunchedProcess process;
  final Socket socket;
  final String secret;
  private final Profile profile;
  private final Duration timeout;

  private SimpleWorker(LaunchedProcess process, Socket socket, String secret, Profile profile, Duration timeout) {
    this.process = process;
    this.socket = socket;
    this.secret = secret;
    this.profile = profile;
    this.timeout = timeout;
  }

  /** Starts the worker and accepts its connection; nothing read yet. */
  static SimpleWorker launch(
      TestEnvironment env, WorkerSetup setup, Profile profile, Duration timeout) throws IOException {
    String secret = SocketAuth.newSecret();
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout((int) timeout.toMillis());
      Map<String, String> environment = setup.environment(profile, secret, false);
      environment.put(Env.WORKER_FACTORY_PORT, Integer.toString(server.getLocalPort()));
      LaunchedProcess p = env.launch(setup.simpleCommand, environment);
      Socket s;
      try {
        s = server.accept();
      } catch (SocketTimeoutException e) {
        throw new RuleFailure(
            "WRK-3.4", "the worker did not connect within " + timeout.toMillis() + " ms" + stderr(p));
      }
      s.setSoTimeout((int) timeout.toMillis());
      s.setTcpNoDelay(true);
      return new SimpleWorker(p, s, secret, profile, timeout);
    }
  }

  static String stderr(LaunchedProcess p) {
    String tail = p.stderrTail().strip();
    return tail.isEmpty() ? "" : "\nworker stderr:\n" + tail;
  }

  String stderrTail() {
    return stderr(process);
  }

  /** Reads the client's secret as a utf (WRK-2.1); null if the stream ended first. */
  byte[] readSecret() throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    try {
      int n = in.readInt();
      if (n < 0 || n > SocketAuth.MAX_SECRET_BYTES) {
        throw new RuleFailure("WRK-2.1", "the worker's first i32 is " + n + ", not the length of the secret");
      }
      byte[] b = new byte[n];
      in.readFully(b);
      return b;
    } catch (EOFException e) {
      return null;
    } catch (SocketTimeoutException e) {
      throw new RuleFailure("WRK-2.1", "the worker sent no secret within " + timeout.toMillis() + " ms" + stderrTail());
    }
  }

  void reply(String text) throws IOException {
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
    out.flush();
  }

  /** The whole handshake as a JVM does it (WRK-3.3): secret, "ok", pid. */
  WorkerChannel authenticate() throws IOException {
    byte[] got = readSecret();
    if (got == null) {
      throw new RuleFailure("WRK-3.4", "the worker closed the connection without authenticating" + stderrTail());
    }
    if (!new String(got, StandardCharsets.UTF_8).equals(secret)) {
      throw new RuleFailure("WRK-3.4", "the worker sent a secret other than PYTHON_WORKER_FACTORY_SECRET");
    }
    reply("ok");
    int pid;
    try {
      pid = new DataInputStream(socket.getInputStream()).readInt();
    } catch (EOFException | SocketTimeoutException e) {
      throw new RuleFailure("WRK-3.4", "the worker wrote no pid after authenticating: " + e + stderrTail());
    }
    return new WorkerChannel(socket, pid, profile, timeout);
  }

  /** Waits for the process to exit; fails naming {@code rule} when it does not. */
  int awaitExit(String rule) {
    try {
      // As a JVM does once it has read everything: close its side, so a worker that drains its
      // input until end of stream before leaving can go.
      try {
        socket.shutdownOutput();
      } catch (IOException ignored) {
        // already closed
      }
      if (!process.process().waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new RuleFailure(rule, "the worker did not exit within " + timeout.toMillis() + " ms" + stderrTail());
      }
      return process.process().exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
