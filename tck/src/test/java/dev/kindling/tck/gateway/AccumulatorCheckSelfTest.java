package dev.kindling.tck.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.RuleFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.Pickler;
import org.junit.jupiter.api.Test;

/**
 * GW-5.7's checking logic (the TCK's driver accumulator server and {@link AccumulatorLedger}) fed
 * good and deliberately bad exchanges, without a JVM under test: each bad one must be reported
 * under the rule it breaks.
 */
class AccumulatorCheckSelfTest {
  private static final String SECRET = "0123456789abcdef".repeat(4);

  static byte[] update(long aid, long value) throws IOException {
    return new Pickler(false).dumps(new Object[] {aid, value}); // a tuple, as the worker pickles it
  }

  /** What a JVM writes: {@code head} (normally the raw secret), then each batch as count + blobs. */
  static byte[] stream(byte[] head, List<List<byte[]>> batches) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.write(head);
    for (List<byte[]> batch : batches) {
      out.writeInt(batch.size());
      for (byte[] blob : batch) {
        out.writeInt(blob.length);
        out.write(blob);
      }
    }
    return b.toByteArray();
  }

  /** Serves one connection from {@code bytes}; the batches recorded and the acks written. */
  static List<DriverAccumulatorServer.Batch> serve(byte[] bytes, ByteArrayOutputStream acks) throws IOException {
    List<DriverAccumulatorServer.Batch> got = new ArrayList<>();
    DriverAccumulatorServer.serve(new ByteArrayInputStream(bytes), acks, SECRET.getBytes(StandardCharsets.UTF_8), 0,
        () -> true, got::add);
    return got;
  }

  static byte[] secret() {
    return SECRET.getBytes(StandardCharsets.UTF_8);
  }

  /** Two tasks: task 0 used accumulators 1 and 2, task 1 used 2; accumulator 9 only a failed attempt. */
  static AccumulatorLedger ledger() {
    return new AccumulatorLedger("the server")
        .expectTask("t0", Map.of(1L, 5L, 2L, -3L))
        .expectTask("t1", Map.of(2L, 7L))
        .forbid(9L, "only a failed attempt added to it");
  }

  static List<List<byte[]>> goodBatches() throws IOException {
    return List.of(List.of(update(1, 5), update(2, -3)), List.of(update(2, 7)));
  }

  @Test
  void goodExchange_passesAndEveryBatchIsAcknowledged() throws IOException {
    ByteArrayOutputStream acks = new ByteArrayOutputStream();
    List<List<byte[]>> batches = new ArrayList<>(goodBatches());
    batches.add(1, List.of()); // an empty batch (a task without updates) is allowed, not required
    List<DriverAccumulatorServer.Batch> got = serve(stream(secret(), batches), acks);
    assertThat(got).hasSize(3);
    assertThat(acks.toByteArray()).containsExactly(1, 1, 1);
    AccumulatorLedger l = ledger();
    assertThat(l.complete(got)).isTrue();
    l.check(got);
  }

  @Test
  void updatesInOneBatchOrSplitDifferently_pass() throws IOException {
    // The rule fixes what is applied, not how tasks' updates are grouped into batches.
    List<DriverAccumulatorServer.Batch> got =
        serve(stream(secret(), List.of(List.of(update(2, 7), update(1, 5), update(2, -3)))), new ByteArrayOutputStream());
    ledger().check(got);
  }

  @Test
  void secretWithLengthPrefix_failsBy_WRK_10_4() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    new DataOutputStream(head).writeInt(SECRET.length());
    head.write(secret());
    ByteArrayOutputStream acks = new ByteArrayOutputStream();
    assertThatThrownBy(() -> serve(stream(head.toByteArray(), goodBatches()), acks))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("WRK-10.4: ").hasMessageContaining("not the secret");
    assertThat(acks.size()).as("nothing acknowledged after a wrong secret").isZero();
  }

  @Test
  void wrongSecretBytes_failsBy_WRK_10_4() {
    byte[] wrong = secret();
    wrong[5] ^= 1;
    assertThatThrownBy(() -> serve(stream(wrong, goodBatches()), new ByteArrayOutputStream()))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("WRK-10.4: ");
  }

  @Test
  void truncatedSecret_failsBy_WRK_10_4() {
    assertThatThrownBy(() -> serve(SECRET.substring(0, 10).getBytes(StandardCharsets.UTF_8), new ByteArrayOutputStream()))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("WRK-10.4: ").hasMessageContaining("end of stream");
  }

  @Test
  void countLargerThanTheBlobsSent_failsBy_WRK_10_4() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.write(secret());
    out.writeInt(3); // says three, sends two
    for (byte[] blob : List.of(update(1, 5), update(2, -3))) {
      out.writeInt(blob.length);
      out.write(blob);
    }
    ByteArrayOutputStream acks = new ByteArrayOutputStream();
    assertThatThrownBy(() -> serve(b.toByteArray(), acks))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("WRK-10.4: ").hasMessageContaining("promised more");
    assertThat(acks.size()).as("a partial batch is not acknowledged").isZero();
  }

  @Test
  void countSmallerThanTheBlobsSent_failsByTheRuleItBreaks() throws IOException {
    // Says one, sends two: the second blob's length reads as the next count, its bytes as blobs.
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.write(secret());
    out.writeInt(1);
    for (byte[] blob : List.of(update(1, 5), update(2, -3))) {
      out.writeInt(blob.length);
      out.write(blob);
    }
    assertThatThrownBy(() -> ledger().check(serve(b.toByteArray(), new ByteArrayOutputStream())))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("WRK-10.4: ");
  }

  @Test
  void negativeCount_failsBy_WRK_10_4() throws IOException {
    byte[] bytes = stream(secret(), List.of());
    byte[] withCount = java.util.Arrays.copyOf(bytes, bytes.length + 4);
    withCount[bytes.length] = (byte) 0xff;
    withCount[bytes.length + 1] = (byte) 0xff;
    withCount[bytes.length + 2] = (byte) 0xff;
    withCount[bytes.length + 3] = (byte) 0xfe;
    assertThatThrownBy(() -> serve(withCount, new ByteArrayOutputStream()))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("WRK-10.4: ").hasMessageContaining("count -2");
  }

  @Test
  void updateAppliedTwice_failsBy_GW_5_7() throws IOException {
    List<List<byte[]>> twice = new ArrayList<>(goodBatches());
    twice.add(goodBatches().get(1)); // task t1's batch sent again
    List<DriverAccumulatorServer.Batch> got = serve(stream(secret(), twice), new ByteArrayOutputStream());
    assertThatThrownBy(() -> ledger().check(got))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.7: ").hasMessageContaining("applied twice");
  }

  @Test
  void failedAttemptsUpdateApplied_failsBy_GW_5_7() throws IOException {
    List<List<byte[]>> withFailed = new ArrayList<>(goodBatches());
    withFailed.add(0, List.of(update(1, 5), update(9, 1))); // the failed first attempt of t0
    List<DriverAccumulatorServer.Batch> got = serve(stream(secret(), withFailed), new ByteArrayOutputStream());
    assertThatThrownBy(() -> ledger().check(got))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.7: ").hasMessageContaining("failed attempt");
  }

  @Test
  void failedAttemptWithoutMarker_stillFailsBy_GW_5_7() throws IOException {
    // A failed attempt's updates of the task's own accumulators: one update too many.
    List<List<byte[]>> withFailed = new ArrayList<>(goodBatches());
    withFailed.add(0, List.of(update(1, 5), update(2, -3)));
    List<DriverAccumulatorServer.Batch> got = serve(stream(secret(), withFailed), new ByteArrayOutputStream());
    assertThatThrownBy(() -> ledger().check(got)).isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.7: ");
  }

  @Test
  void missingTaskUpdate_failsBy_GW_5_7() throws IOException {
    List<DriverAccumulatorServer.Batch> got =
        serve(stream(secret(), List.of(goodBatches().get(0))), new ByteArrayOutputStream());
    AccumulatorLedger l = ledger();
    assertThat(l.complete(got)).isFalse();
    assertThatThrownBy(() -> l.check(got))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.7: ").hasMessageContaining("never arrived");
  }

  @Test
  void wrongTotal_failsBy_GW_5_7() throws IOException {
    List<DriverAccumulatorServer.Batch> got = serve(stream(secret(),
        List.of(List.of(update(1, 5), update(2, -3)), List.of(update(2, 8)))), new ByteArrayOutputStream());
    assertThatThrownBy(() -> ledger().check(got))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.7: ").hasMessageContaining("applied total 5");
  }

  @Test
  void updateForAnAccumulatorNoTaskUsed_failsBy_GW_5_7() throws IOException {
    List<List<byte[]>> extra = new ArrayList<>(goodBatches());
    extra.add(List.of(update(4, 1)));
    List<DriverAccumulatorServer.Batch> got = serve(stream(secret(), extra), new ByteArrayOutputStream());
    assertThatThrownBy(() -> ledger().check(got)).isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.7: ");
  }

  @Test
  void blobThatIsNotAPair_failsBy_WRK_10_4() throws IOException {
    List<DriverAccumulatorServer.Batch> got = serve(stream(secret(),
        List.of(List.of(new Pickler(false).dumps(5L)), List.of(new byte[] {1, 2, 3}))), new ByteArrayOutputStream());
    assertThatThrownBy(() -> ledger().check(got)).isInstanceOf(RuleFailure.class).hasMessageStartingWith("WRK-10.4: ");
  }

  // -- the same logic behind a real loopback server --------------------------------------------

  @Test
  void loopbackServer_recordsAcknowledgesAndRejectsAWrongSecret() throws Exception {
    try (DriverAccumulatorServer server = DriverAccumulatorServer.start(Duration.ofSeconds(5))) {
      assertThat(server.secret()).matches("[0-9a-f]{64}");
      try (Socket jvm = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        jvm.setSoTimeout((int) TimeFactor.millis(5000));
        DataOutputStream out = new DataOutputStream(jvm.getOutputStream());
        out.write(server.secret().getBytes(StandardCharsets.UTF_8));
        byte[] u = update(1, 5);
        for (int i = 0; i < 2; i++) {
          out.writeInt(1);
          out.writeInt(u.length);
          out.write(u);
          out.flush();
          assertThat(jvm.getInputStream().read()).as("ack of batch " + i).isEqualTo(1);
        }
      }
      assertThat(DriverAccumulatorServer.await(() -> server.batches().size() == 2, TimeFactor.scale(Duration.ofSeconds(5)))).isTrue();
      assertThat(server.violations()).isEmpty();
      try (Socket jvm = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        jvm.setSoTimeout((int) TimeFactor.millis(5000));
        jvm.getOutputStream().write("x".repeat(64).getBytes(StandardCharsets.UTF_8));
        InputStream in = jvm.getInputStream();
        assertThat(in.read()).as("closed after a wrong secret, nothing acknowledged").isEqualTo(-1);
      }
      assertThat(DriverAccumulatorServer.await(() -> !server.violations().isEmpty(), TimeFactor.scale(Duration.ofSeconds(5)))).isTrue();
      assertThatThrownBy(server::throwViolations).isInstanceOf(RuleFailure.class).hasMessageStartingWith("WRK-10.4: ");
      assertThat(server.connections()).isEqualTo(2);
    }
  }

  @Test
  void loopbackServer_batchThatStalls_failsBy_WRK_10_4() throws Exception {
    try (DriverAccumulatorServer server = DriverAccumulatorServer.start(Duration.ofMillis(300))) {
      try (Socket jvm = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        DataOutputStream out = new DataOutputStream(jvm.getOutputStream());
        out.write(server.secret().getBytes(StandardCharsets.UTF_8));
        out.writeInt(2); // promises two blobs, sends one, waits for the ack
        byte[] u = update(1, 5);
        out.writeInt(u.length);
        out.write(u);
        out.flush();
        assertThat(DriverAccumulatorServer.await(() -> !server.violations().isEmpty(), TimeFactor.scale(Duration.ofSeconds(5)))).isTrue();
      }
      assertThatThrownBy(server::throwViolations)
          .isInstanceOf(RuleFailure.class).hasMessageStartingWith("WRK-10.4: ").hasMessageContaining("stalled");
    }
  }

  @Test
  void loopbackServer_idleConnectionBetweenBatchesIsFine() throws Exception {
    try (DriverAccumulatorServer server = DriverAccumulatorServer.start(Duration.ofMillis(200))) {
      try (Socket jvm = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
        jvm.setSoTimeout((int) TimeFactor.millis(5000));
        DataOutputStream out = new DataOutputStream(jvm.getOutputStream());
        out.write(server.secret().getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(700); // longer than the read timeout: the JVM keeps the connection for later tasks
        byte[] u = update(3, 4);
        out.writeInt(1);
        out.writeInt(u.length);
        out.write(u);
        out.flush();
        assertThat(jvm.getInputStream().read()).isEqualTo(1);
      }
      assertThat(server.violations()).isEmpty();
      new AccumulatorLedger("the server").expectTask("t", Map.of(3L, 4L)).check(server.batches());
    }
  }
}
