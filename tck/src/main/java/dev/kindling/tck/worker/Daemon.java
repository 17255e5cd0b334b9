package dev.kindling.tck.worker;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.auth.SocketAuth;
import dev.kindling.tck.LaunchedProcess;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.TestEnvironment;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A daemon under test (WRK-3.6 .. 3.13): started with the WRK-3.1 environment, its port read from
 * standard output; {@link #connect()} plays the JVM's side of a new worker.
 */
final class Daemon {
  final LaunchedProcess process;
  final int port;
  final String secret;
  private final Profile profile;
  private final Duration timeout;

  private Daemon(LaunchedProcess process, int port, String secret, Profile profile, Duration timeout) {
    this.process = process;
    this.port = port;
    this.secret = secret;
    this.profile = profile;
    this.timeout = timeout;
  }

  static Daemon start(
      TestEnvironment env, WorkerSetup setup, Profile profile, boolean reuse, Duration timeout) {
    String secret = SocketAuth.newSecret();
    LaunchedProcess p = env.launch(setup.daemonCommand, setup.environment(profile, secret, reuse));
    InputStream stdout = p.stdout();
    CompletableFuture<byte[]> first = CompletableFuture.supplyAsync(() -> {
      try {
        return stdout.readNBytes(4);
      } catch (IOException e) {
        return new byte[0];
      }
    });
    byte[] portBytes;
    try {
      portBytes = env.await(first, "the daemon's port on standard output");
    } catch (AssertionError e) {
      throw new RuleFailure("WRK-3.6", e.getMessage() + stderr(p));
    }
    if (portBytes.length < 4) {
      throw new RuleFailure(
          "WRK-3.6", "standard output ended after " + portBytes.length + " bytes instead of the i32 port" + stderr(p));
    }
    int port = ((portBytes[0] & 0xff) << 24) | ((portBytes[1] & 0xff) << 16)
        | ((portBytes[2] & 0xff) << 8) | (portBytes[3] & 0xff);
    if (port < 1 || port > 65535) {
      throw new RuleFailure("WRK-3.6", "port " + port + " outside 1..65535" + stderr(p));
    }
    // Workers' prints pass through the daemon's stdout; keep the pipe from filling up.
    Thread drain = new Thread(() -> {
      try {
        stdout.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException ignored) {
        // daemon gone
      }
    }, "kindling-tck-daemon-stdout");
    drain.setDaemon(true);
    drain.start();
    return new Daemon(p, port, secret, profile, timeout);
  }

  private static String stderr(LaunchedProcess p) {
    String tail = p.stderrTail().strip();
    return tail.isEmpty() ? "" : "\ndaemon stderr:\n" + tail;
  }

  String stderrTail() {
    return stderr(process);
  }

  /** A connected socket, nothing read or written yet. */
  Socket connectRaw() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) timeout.toMillis());
    s.setSoTimeout((int) timeout.toMillis());
    s.setTcpNoDelay(true);
    return s;
  }

  /** Reads the child's pid (WRK-3.8). */
  int readPid(Socket s) throws IOException {
    try {
      return new DataInputStream(s.getInputStream()).readInt();
    } catch (EOFException e) {
      throw new RuleFailure("WRK-3.8", "connection closed before the child wrote its pid" + stderrTail());
    } catch (java.net.SocketTimeoutException e) {
      throw new RuleFailure("WRK-3.8", "no pid from the child within " + timeout.toMillis() + " ms" + stderrTail());
    }
  }

  /** A new worker: connect, read its pid, authenticate as client (WRK-3.8, 3.9). */
  WorkerChannel connect() throws IOException {
    Socket s = connectRaw();
    int pid = readPid(s);
    if (pid < 0) {
      s.close();
      throw new RuleFailure("WRK-3.8", "the daemon wrote error code " + pid + " instead of a pid" + stderrTail());
    }
    try {
      SocketAuth.clientHandshake(s.getInputStream(), s.getOutputStream(), secret);
    } catch (IOException e) {
      s.close();
      throw new RuleFailure("WRK-2.2", "the child did not accept the right secret: " + e.getMessage() + stderrTail());
    }
    return new WorkerChannel(s, pid, profile, timeout);
  }

  /** Asks the daemon to SIGKILL {@code pid} (WRK-3.10). */
  void kill(int pid) throws IOException {
    DataOutputStream out = new DataOutputStream(process.stdin());
    out.writeInt(pid);
    out.flush();
  }

  void closeStdin() throws IOException {
    process.stdin().close();
  }
}
