package dev.kindling.tck.worker;

import static dev.kindling.tck.worker.WorkerChecks.QUIET;
import static dev.kindling.tck.worker.WorkerChecks.check;
import static dev.kindling.tck.worker.WorkerChecks.limits;
import static dev.kindling.tck.worker.WorkerChecks.str;
import static dev.kindling.tck.worker.WorkerChecks.utf8;

import dev.kindling.tck.RuleFailure;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.tck.support.Procs;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Section 2. Socket authentication of {@code worker.md}, checked with the TCK as the JVM. WRK-2:
 * the secret first, "ok"/"err", bounded secret length, no secret in argv, loopback only. Part of
 * {@link WorkerVerification}; a failure message starts with the id of the rule broken.
 */
interface WorkerAuthenticationRules extends WorkerRuleContext {
  /** WRK-2.1: a simple-mode worker (client) writes the secret before anything else. */
  @Test
  default void required_WRK_2_1_workerSendsSecretFirst() throws IOException {
    requireSimple();
    SimpleWorker w = SimpleWorker.launch(env(), setup(), profile(), timeout());
    byte[] got = w.readSecret();
    check(got != null, "WRK-2.1", "the worker closed the connection before sending its secret" + w.stderrTail());
    check(Arrays.equals(got, utf8(w.secret)), "WRK-2.1", "the first bytes are not utf(PYTHON_WORKER_FACTORY_SECRET)");
  }

  /** WRK-2.1: a daemon child (server) writes its pid and then nothing before it has the secret. */
  @Test
  default void required_WRK_2_1_childWritesNothingBeforeSecret() throws IOException {
    requireDaemon();
    try (Socket s = daemon().connectRaw()) {
      daemon().readPid(s);
      WorkerChannel ch = new WorkerChannel(s, 0, profile(), timeout());
      WorkerChannel.Received r = ch.receiveFor(QUIET);
      check(r.bytes().length == 0, "WRK-2.1",
          "the child wrote " + r.bytes().length + " bytes before reading the secret");
    }
  }

  /** WRK-2.2: a wrong secret gets "err" and the connection closed; the child serves nothing. */
  @Test
  default void required_WRK_2_2_wrongSecretRejected() {
    requireDaemon();
    Gen<String> wrong = Gens.oneOf(
        Gens.constant(""),
        Gens.utf8Strings(80),
        Gens.integers(0, 63).map(i -> {
          char[] c = daemon().secret.toCharArray();
          c[i] = c[i] == 'a' ? 'b' : 'a';
          return new String(c);
        }),
        Gens.constant(daemon().secret + "0"));
    // Few shrink steps: a failing case typically waits out the timeout for the close.
    property("WRK-2.2", wrong.filter(w -> !w.equals(daemon().secret)), 8, 4, w -> {
      try (Socket s = daemon().connectRaw()) {
        daemon().readPid(s);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        byte[] b = utf8(w);
        out.writeInt(b.length);
        out.write(b);
        out.flush();
        expectErrAndClose(s, "WRK-2.2");
      }
    });
  }

  /** WRK-2.3: a secret length over maxSecretBytes (or negative) is refused without reading it. */
  @Test
  default void required_WRK_2_3_oversizedSecretLengthRejected() throws IOException {
    requireDaemon();
    for (int len : new int[] {limits().maxSecretBytes() + 1, -1}) {
      try (Socket s = daemon().connectRaw()) {
        daemon().readPid(s);
        new DataOutputStream(s.getOutputStream()).writeInt(len);
        expectErrAndClose(s, "WRK-2.3");
      }
    }
  }

  /** WRK-2.4: a client (simple-mode worker) treats any reply but "ok" as failure and closes. */
  @Test
  default void required_WRK_2_4_workerGivesUpOnErrReply() throws IOException {
    requireSimple();
    SimpleWorker w = SimpleWorker.launch(env(), setup(), profile(), timeout());
    w.readSecret();
    w.reply("err");
    WorkerChannel ch = new WorkerChannel(w.socket, 0, profile(), timeout());
    WorkerChannel.Received got = ch.receiveFor(timeout());
    check(got.bytes().length == 0, "WRK-2.4",
        "after the reply \"err\" the worker wrote " + got.bytes().length + " bytes (pid?)");
    check(got.eof(), "WRK-2.4", "after the reply \"err\" the worker kept the connection open");
  }

  /** WRK-2.5: constant-time comparison cannot be observed reliably from the wire. */
  @Test
  default void untested_WRK_2_5_constantTimeComparison() {}

  /** WRK-2.7: the secret never appears in a worker's or daemon's command line. */
  @Test
  default void required_WRK_2_7_secretNotInCommandLine() throws IOException {
    Assumptions.assumeTrue(Procs.available(), "needs /proc");
    if (setup().daemonMode) {
      WorkerChannel ch = daemon().connect();
      for (long pid : new long[] {daemon().process.process().pid(), ch.pid}) {
        check(!Procs.cmdline(pid).contains(daemon().secret), "WRK-2.7", "secret in the command line of " + pid);
      }
      ch.close();
    }
    if (setup().simpleMode) {
      SimpleWorker w = SimpleWorker.launch(env(), setup(), profile(), timeout());
      check(!Procs.cmdline(w.process.process().pid()).contains(w.secret), "WRK-2.7",
          "secret in the worker's command line");
    }
  }

  /** WRK-2.8: the daemon's listening socket is bound to loopback only. */
  @Test
  default void required_WRK_2_8_daemonListensOnLoopbackOnly() {
    requireDaemon();
    Assumptions.assumeTrue(Procs.available(), "needs /proc/net/tcp");
    List<String> addrs = Procs.listeningAddresses(daemon().port);
    check(!addrs.isEmpty(), "WRK-2.8", "no listening socket found on port " + daemon().port);
    for (String a : addrs) {
      check(Procs.isLoopbackHex(a), "WRK-2.8", "port " + daemon().port + " is bound to non-loopback address " + a);
    }
  }

  private void expectErrAndClose(Socket s, String rule) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    int n;
    try {
      n = in.readInt();
    } catch (java.io.EOFException e) {
      throw new RuleFailure(rule, "the child closed without replying \"err\"");
    } catch (java.net.SocketTimeoutException e) {
      throw new RuleFailure(rule, "no reply within " + timeout().toMillis() + " ms");
    }
    check(n == 3, rule, "reply length " + n + ", expected utf \"err\"");
    byte[] b = new byte[3];
    in.readFully(b);
    check(str(b).equals("err"), rule, "replied \"" + str(b) + "\" to a wrong secret");
    WorkerChannel ch = new WorkerChannel(s, 0, profile(), timeout());
    WorkerChannel.Received more = ch.receiveFor(timeout());
    if (!more.eof()) {
      throw new RuleFailure(rule, "the connection stayed open after \"err\"");
    }
    check(more.bytes().length == 0, rule, "wrote " + more.bytes().length + " bytes after \"err\"");
  }
}
