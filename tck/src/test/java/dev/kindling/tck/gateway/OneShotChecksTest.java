package dev.kindling.tck.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.support.Procs;
import dev.kindling.tck.RuleFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The one-shot server checks of the gateway target (WRK-9.1..9.3) fed deliberately broken
 * streams and servers: each break must be caught and named by the rule it breaks, and the
 * unbroken counterpart must pass, so no check passes vacuously.
 */
class OneShotChecksTest {
  private static final String SECRET = "ab".repeat(32);
  private static final List<byte[]> ITEMS = List.of(bytes("alpha"), new byte[0], new byte[] {0, (byte) 0xff, 10}, bytes("z".repeat(300)));
  private static final Duration QUIET = Duration.ofMillis(300);
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String rule(Throwable t) {
    assertThat(t).as("the check passed a broken exchange").isInstanceOf(RuleFailure.class);
    return ((RuleFailure) t).rule();
  }

  private static Throwable collect(byte[] stream) {
    return catchThrowable(() -> OneShotStreams.expectCollect(new ByteArrayInputStream(stream), ITEMS, "collect"));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  // -- WRK-9.2 collect stream ---------------------------------------------------------------------

  @Test
  void collect_exactFramesThenEof_passes() {
    assertThat(collect(OneShotStreams.frames(ITEMS))).isNull();
    assertThatCode(() -> OneShotStreams.expectCollect(new ByteArrayInputStream(new byte[0]), List.of(), "empty"))
        .doesNotThrowAnyException();
  }

  @Test
  void collect_terminatorAppended_shouldFailBy_WRK_9_2() {
    Throwable t = collect(concat(OneShotStreams.frames(ITEMS), new byte[] {-1, -1, -1, -1}));
    assertThat(rule(t)).isEqualTo("WRK-9.2");
    assertThat(t).hasMessageContaining("terminator");
  }

  @Test
  void collect_elementDropped_shouldFailBy_WRK_9_2() {
    List<byte[]> dropped = new ArrayList<>(ITEMS);
    dropped.remove(2);
    assertThat(rule(collect(OneShotStreams.frames(dropped)))).isEqualTo("WRK-9.2");
    assertThat(rule(collect(OneShotStreams.frames(ITEMS.subList(0, 3))))).isEqualTo("WRK-9.2");
  }

  @Test
  void collect_extraElementOrChangedByte_shouldFailBy_WRK_9_2() {
    List<byte[]> more = new ArrayList<>(ITEMS);
    more.add(bytes("extra"));
    assertThat(rule(collect(OneShotStreams.frames(more)))).isEqualTo("WRK-9.2");
    byte[] changed = OneShotStreams.frames(ITEMS);
    changed[changed.length - 1] ^= 1;
    assertThat(rule(collect(changed))).isEqualTo("WRK-9.2");
    byte[] truncated = Arrays.copyOf(OneShotStreams.frames(ITEMS), OneShotStreams.frames(ITEMS).length - 7);
    assertThat(rule(collect(truncated))).isEqualTo("WRK-9.2");
  }

  @Test
  void collect_littleEndianLength_shouldFailBy_WRK_1_1() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] b : ITEMS) {
      out.writeBytes(ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
      out.writeBytes(b);
    }
    assertThat(rule(collect(out.toByteArray()))).isEqualTo("WRK-1.1");
  }

  // -- WRK-9.3 local iterator, against a fake server on a loopback socket --------------------------

  enum IterBreak { NONE, NO_END_OF_PARTITION, MESSAGE_AFTER_ERROR, LITTLE_ENDIAN_STATUS, STAYS_OPEN_AFTER_END, WRITES_AFTER_STOP, TERMINATOR_AS_ELEMENT }

  /** Serves {@code partitions} (null entry: that partition fails) after the client's requests. */
  private Socket iteratorServer(IterBreak brk, List<List<byte[]>> partitions) throws IOException {
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    open.add(server);
    Thread t = new Thread(() -> {
      try (Socket c = server.accept()) {
        c.setSoTimeout((int) TimeFactor.millis(5000));
        DataInputStream in = new DataInputStream(c.getInputStream());
        DataOutputStream out = new DataOutputStream(c.getOutputStream());
        int next = 0;
        while (true) {
          int req = in.readInt();
          if (req == 0) {
            if (brk == IterBreak.WRITES_AFTER_STOP) {
              out.writeInt(0);
              out.flush();
            }
            return;
          }
          if (next >= partitions.size()) {
            out.writeInt(0);
            out.flush();
            if (brk == IterBreak.STAYS_OPEN_AFTER_END) {
              Thread.sleep(2000);
            }
            return;
          }
          List<byte[]> p = partitions.get(next++);
          if (p == null) {
            out.writeInt(-1);
            if (brk == IterBreak.MESSAGE_AFTER_ERROR) {
              out.writeInt(5);
              out.write(bytes("boom!"));
            }
            out.flush();
            return;
          }
          out.writeInt(brk == IterBreak.LITTLE_ENDIAN_STATUS ? Integer.reverseBytes(1) : 1);
          for (byte[] e : p) {
            out.writeInt(e.length);
            out.write(e);
          }
          if (brk == IterBreak.TERMINATOR_AS_ELEMENT) {
            out.writeInt(-3);
          }
          if (brk != IterBreak.NO_END_OF_PARTITION) {
            out.writeInt(-1);
          }
          out.flush();
        }
      } catch (Exception e) {
        // the client went away: the fake stops
      }
    });
    t.setDaemon(true);
    t.start();
    Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
    c.setSoTimeout((int) QUIET.toMillis());
    open.add(c);
    return c;
  }

  private static final List<List<byte[]>> PARTS = List.of(ITEMS.subList(0, 2), List.of(), ITEMS.subList(2, 4));

  /** Reads every partition then expects the close; returns the partitions. */
  private static List<List<byte[]>> iterate(Socket c) throws IOException {
    OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
    List<List<byte[]>> got = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      OneShotStreams.Answer a = it.next();
      if (!a.partition()) {
        assertThat(a.status()).isZero();
        it.expectClosed("after i32 0");
        return got;
      }
      got.add(a.elements());
    }
    throw new AssertionError("no end");
  }

  @Test
  void localIterator_correctServer_passes() throws IOException {
    List<List<byte[]>> got = iterate(iteratorServer(IterBreak.NONE, PARTS));
    assertThat(got).hasSize(3);
    assertThat(got.get(0)).containsExactly(ITEMS.get(0), ITEMS.get(1));
    assertThat(got.get(1)).isEmpty();
    Socket c = iteratorServer(IterBreak.NONE, PARTS);
    OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
    assertThat(it.next().partition()).isTrue();
    it.stop();
    it.expectClosed("after stop");
    Socket failing = iteratorServer(IterBreak.NONE, java.util.Arrays.asList(ITEMS, null));
    OneShotStreams.LocalIteratorClient f = new OneShotStreams.LocalIteratorClient(failing.getInputStream(), failing.getOutputStream());
    assertThat(f.next().partition()).isTrue();
    assertThat(f.next().status()).isEqualTo(-1);
    f.expectClosed("after the error");
  }

  @Test
  void localIterator_missingEndOfPartition_shouldFailBy_WRK_9_3() {
    Throwable t = catchThrowable(() -> iterate(iteratorServer(IterBreak.NO_END_OF_PARTITION, PARTS)));
    assertThat(rule(t)).isEqualTo("WRK-9.3");
    assertThat(t).hasMessageContaining("partition 0");
  }

  @Test
  void localIterator_specialLengthInsidePartition_shouldFailBy_WRK_9_3() {
    assertThat(rule(catchThrowable(() -> iterate(iteratorServer(IterBreak.TERMINATOR_AS_ELEMENT, PARTS))))).isEqualTo("WRK-9.3");
  }

  @Test
  void localIterator_littleEndianStatus_shouldFailBy_WRK_1_1() {
    assertThat(rule(catchThrowable(() -> iterate(iteratorServer(IterBreak.LITTLE_ENDIAN_STATUS, PARTS))))).isEqualTo("WRK-1.1");
  }

  @Test
  void localIterator_staysOpenAfterNoMorePartitions_shouldFailBy_WRK_9_3() {
    assertThat(rule(catchThrowable(() -> iterate(iteratorServer(IterBreak.STAYS_OPEN_AFTER_END, PARTS))))).isEqualTo("WRK-9.3");
  }

  @Test
  void localIterator_messageAfterErrorStatus_shouldFailBy_WRK_9_3() {
    Throwable t = catchThrowable(() -> {
      Socket c = iteratorServer(IterBreak.MESSAGE_AFTER_ERROR, java.util.Arrays.asList((List<byte[]>) null));
      OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
      assertThat(it.next().status()).isEqualTo(-1);
      it.expectClosed("after the error");
    });
    assertThat(rule(t)).isEqualTo("WRK-9.3");
    assertThat(t).hasMessageContaining("after the error");
  }

  @Test
  void localIterator_writesAfterClientStop_shouldFailBy_WRK_9_3() {
    Throwable t = catchThrowable(() -> {
      Socket c = iteratorServer(IterBreak.WRITES_AFTER_STOP, PARTS);
      OneShotStreams.LocalIteratorClient it = new OneShotStreams.LocalIteratorClient(c.getInputStream(), c.getOutputStream());
      it.stop();
      it.expectClosed("after stop");
    });
    assertThat(rule(t)).isEqualTo("WRK-9.3");
  }

  // -- WRK-9.1 server behaviour, against fake one-shot servers -------------------------------------

  enum ServerBreak { NONE, ANY_ADDRESS, SERVES_EVERY_CLIENT, WRITES_BEFORE_SECRET, NEVER_GIVES_UP }

  /** A one-shot collect server with an accept timeout of {@code acceptMs}; returns its port. */
  private int oneShotServer(ServerBreak brk, int acceptMs) throws IOException {
    ServerSocket server = brk == ServerBreak.ANY_ADDRESS
        ? new ServerSocket(0, 1) : new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    open.add(server);
    if (brk != ServerBreak.NEVER_GIVES_UP) {
      server.setSoTimeout(acceptMs);
    }
    Thread t = new Thread(() -> {
      try {
        do {
          Socket c = server.accept();
          Thread serving = new Thread(() -> serve(c, brk));
          serving.setDaemon(true);
          serving.start();
          if (brk != ServerBreak.SERVES_EVERY_CLIENT) {
            server.close();
          }
        } while (!server.isClosed());
      } catch (IOException e) {
        // accept timeout or closed: the fake stops accepting
        try {
          server.close();
        } catch (IOException ignored) {
          // closing is best effort
        }
      }
    });
    t.setDaemon(true);
    t.start();
    return server.getLocalPort();
  }

  private static void serve(Socket c, ServerBreak brk) {
    try (c) {
      c.setSoTimeout((int) TimeFactor.millis(5000));
      DataOutputStream out = new DataOutputStream(c.getOutputStream());
      if (brk == ServerBreak.WRITES_BEFORE_SECRET) {
        out.write(OneShotStreams.frames(ITEMS));
        out.flush();
      }
      DataInputStream in = new DataInputStream(c.getInputStream());
      byte[] secret = new byte[in.readInt()];
      in.readFully(secret);
      boolean ok = Arrays.equals(secret, bytes(SECRET));
      out.writeInt(ok ? 2 : 3);
      out.write(bytes(ok ? "ok" : "err"));
      if (ok) {
        Thread.sleep(QUIET.toMillis() * 2); // still serving while the TCK tries a second client
        out.write(OneShotStreams.frames(ITEMS));
      }
      out.flush();
    } catch (Exception e) {
      // client gone
    }
  }

  /** The sequence the gateway test runs on each server, minus what needs a gateway. */
  private void checkServer(int port) throws IOException {
    if (Procs.available()) {
      OneShotServerChecks.loopbackOnly(port);
    }
    try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
      c.setSoTimeout((int) TimeFactor.millis(5000));
      OneShotServerChecks.silentBeforeSecret(c, QUIET);
      assertThat(OneShotServerChecks.authenticate(c, SECRET)).isEqualTo("ok");
      OneShotServerChecks.otherClientGetsNothing(port, SECRET, QUIET, "while the first is served");
      OneShotStreams.expectCollect(c.getInputStream(), ITEMS, "collect");
    }
    OneShotServerChecks.otherClientGetsNothing(port, SECRET, QUIET, "after the first was served");
  }

  @Test
  void server_correct_passes() throws Exception {
    checkServer(oneShotServer(ServerBreak.NONE, 5000));
    int idle = oneShotServer(ServerBreak.NONE, 300);
    TimeUnit.MILLISECONDS.sleep(800);
    OneShotServerChecks.gaveUpAccepting(idle, SECRET, Duration.ofMillis(300), Duration.ofMillis(500));
  }

  @Test
  void server_servesEveryClient_shouldFailBy_WRK_9_1() {
    Throwable t = catchThrowable(() -> checkServer(oneShotServer(ServerBreak.SERVES_EVERY_CLIENT, 5000)));
    assertThat(rule(t)).isEqualTo("WRK-9.1");
    assertThat(t).hasMessageContaining("second connection");
  }

  @Test
  void server_writesBeforeSecret_shouldFailBy_WRK_9_1() {
    assertThat(rule(catchThrowable(() -> checkServer(oneShotServer(ServerBreak.WRITES_BEFORE_SECRET, 5000))))).isEqualTo("WRK-9.1");
  }

  @Test
  void server_anyAddress_shouldFailBy_WRK_9_1() {
    Assumptions.assumeTrue(Procs.available(), "needs /proc/net/tcp");
    Throwable t = catchThrowable(() -> checkServer(oneShotServer(ServerBreak.ANY_ADDRESS, 5000)));
    assertThat(rule(t)).isEqualTo("WRK-9.1");
    assertThat(t).hasMessageContaining("non-loopback");
  }

  @Test
  void server_neverGivesUpAccepting_shouldFailBy_WRK_9_1() throws Exception {
    int port = oneShotServer(ServerBreak.NEVER_GIVES_UP, 300);
    TimeUnit.MILLISECONDS.sleep(800);
    Throwable t = catchThrowable(() -> OneShotServerChecks.gaveUpAccepting(port, SECRET, Duration.ofMillis(300), Duration.ofMillis(500)));
    assertThat(rule(t)).isEqualTo("WRK-9.1");
  }

  /** A client socket whose connect fails as {@code failure} does, without a network. */
  private static Socket failingConnect(IOException failure) {
    return new Socket() {
      @Override
      public void connect(java.net.SocketAddress endpoint, int timeout) throws IOException {
        throw failure;
      }
    };
  }

  @Test
  void otherClient_refusedOrResetWhileConnecting_isNothingServed() {
    // A loaded machine: the server closes its listening socket as the second handshake arrives,
    // and connect() ends with a reset instead of a refusal (seen in a fresh-clone bin/test run).
    for (IOException failure : List.of(new java.net.SocketException("Connection reset by peer"),
        new java.net.ConnectException("Connection refused"), new java.net.SocketTimeoutException("connect timed out"))) {
      assertThatCode(() -> OneShotServerChecks.otherClientGetsNothing(failingConnect(failure), 1, SECRET, QUIET, "after"))
          .as(failure.toString())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void serverKindFromStack_tellsClientServerFromGatewayServer() {
    assertThat(ServerModeRules.py4jServerKind(List.of("java.lang.Thread", "py4j.ClientServerConnection", "java.lang.Thread")))
        .isEqualTo("ClientServer");
    assertThat(ServerModeRules.py4jServerKind(List.of("py4j.GatewayConnection"))).isEqualTo("GatewayServer");
    assertThat(ServerModeRules.py4jServerKind(List.of("py4j.GatewayConnection", "py4j.ClientServerConnection"))).isEqualTo("unknown");
    assertThat(ServerModeRules.py4jServerKind(List.of("java.lang.Thread"))).isEqualTo("unknown");
  }
}
