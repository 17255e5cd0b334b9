package dev.kindling.tck.driver;

import static dev.kindling.tck.driver.DriverUnderTest.attach;
import static dev.kindling.tck.driver.DriverUnderTest.check;
import static dev.kindling.tck.driver.DriverUnderTest.scenario;

import dev.kindling.protocol.property.Choices;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.protocol.property.Property;
import dev.kindling.protocol.property.PropertyFailure;
import dev.kindling.tck.RuleFailure;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.razorvine.pickle.Pickler;
import org.junit.jupiter.api.Test;

/**
 * worker.md section 10, the driver's accumulator update server (the {@code accumulators}
 * scenario): it checks the secret, reading exactly its length (WRK-10.5), and applies and
 * acknowledges each batch (the driver's half of WRK-10.4). The TCK plays the JVM's side.
 */
interface AccumulatorServerRules extends DriverSection {
  /** A delta the TCK sends only on connections the driver must reject: it shows in any leak. */
  long REJECTED_DELTA = 1_000_000_007L;

  /** The accumulator scenario, started: the update server's port, secret and accumulator id. */
  record Accumulators(DriverProcess driver, FakePy4JServer server, int port, String secret, int aid) {}

  private Accumulators startAccumulators() {
    FakePy4JServer server = drv().newServer();
    server.holdVersionCall(2);
    DriverProcess d = drv().startDriver(FakeJvm.Behaviour.PUBLISH, server, scenario("accumulators", attach(server, true)));
    List<String> args = d.await(server.accumulatorServer, "WRK-10.4", "setAccumulatorServer(port, secret)");
    String aid = d.awaitValue("accumulator-id", "WRK-10.4");
    return new Accumulators(d, server, Integer.parseInt(args.get(0)), args.get(1), Integer.parseInt(aid.trim()));
  }

  private static byte[] batch(int aid, List<Long> deltas) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(b);
      out.writeInt(deltas.size());
      for (long delta : deltas) {
        byte[] blob = new Pickler().dumps(new Object[] {aid, delta});
        out.writeInt(blob.length);
        out.write(blob);
      }
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /**
   * WRK-10.5: after {@code wrong} (and a batch in the same write) the server closes the
   * connection without acknowledging anything.
   */
  private void expectRejected(Accumulators a, String wrong) throws IOException {
    try (Socket s = drv().env().connect(a.port())) {
      s.getOutputStream().write(concat(wrong.getBytes(StandardCharsets.UTF_8), batch(a.aid(), List.of(REJECTED_DELTA))));
      s.getOutputStream().flush();
      int got;
      try {
        got = s.getInputStream().read();
      } catch (SocketTimeoutException e) {
        throw new RuleFailure("WRK-10.5", "the accumulator server kept the connection open for "
            + drv().config().timeout().toMillis() + " ms after a wrong secret " + wrong + " (expected a close)");
      } catch (SocketException e) {
        got = -1; // reset: closed with our batch unread
      }
      check(got < 0, "WRK-10.5", "the accumulator server answered 0x" + Integer.toHexString(got)
          + " to a batch sent after the wrong secret " + wrong + " (expected a close)");
    }
  }

  /** Sends batches on one connection after the right secret; each must get exactly one 0x01. */
  private long sendAccepted(Accumulators a, List<List<Long>> batches) throws IOException {
    long sum = 0;
    try (Socket s = drv().env().connect(a.port())) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      byte[] secret = a.secret().getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < batches.size(); i++) {
        byte[] b = batch(a.aid(), batches.get(i));
        // The first batch shares a write with the secret: a server that reads more than the
        // secret's length eats the batch's count (WRK-10.5 "exactly the secret's length").
        out.write(i == 0 ? concat(secret, b) : b);
        out.flush();
        int ack;
        try {
          ack = in.read();
        } catch (SocketTimeoutException | SocketException e) {
          ack = -2;
        }
        String rule = i == 0 ? "WRK-10.5" : "WRK-10.4";
        String hint = i == 0 ? " (sent in one write with the right secret: does the server read exactly the secret's length?)" : "";
        check(ack == 1, rule, "batch " + (i + 1) + " of " + batches.size() + " " + batches.get(i)
            + " was answered " + (ack == -1 ? "with a close" : ack == -2 ? "with nothing" : "0x" + Integer.toHexString(ack))
            + ", not one byte 0x01" + hint);
        for (long d : batches.get(i)) {
          sum += d;
        }
      }
      s.shutdownOutput();
      int extra;
      try {
        extra = in.read();
      } catch (SocketTimeoutException | SocketException e) {
        extra = -1;
      }
      check(extra < 0, "WRK-10.4", "the accumulator server sent 0x" + Integer.toHexString(extra)
          + " beyond one 0x01 per batch");
    }
    return sum;
  }

  /** Lets the program print the accumulator's value; checks it is exactly {@code expected}. */
  private void expectValue(Accumulators a, long expected, String rule) {
    a.server().releaseHeldCall();
    DriverRun r = a.driver().finish();
    String v = r.value("accumulator-value");
    check(v != null, rule, "the program did not print accumulator-value=<value>: " + r);
    long got = Long.parseLong(v.trim());
    if (got != expected && (got - expected) % REJECTED_DELTA == 0) {
      throw new RuleFailure("WRK-10.5", "the accumulator is " + got + ", expected " + expected
          + ": updates sent after a wrong secret were applied");
    }
    check(got == expected, "WRK-10.4", "the accumulator is " + got + " after acknowledged updates summing to "
        + expected + ": acknowledged batches were not applied exactly once");
  }

  /**
   * WRK-10.5: the driver's accumulator server reads exactly the secret's length and closes on a
   * mismatch (a wrong character, the right prefix with junk after it), applying nothing; the right
   * secret followed at once by a batch is accepted. (Constant-time comparison is not observable
   * from outside; it is the implementer's to show.)
   */
  @Test
  default void required_WRK_10_5_accumulatorServerChecksTheSecret() throws IOException {
    Accumulators a = startAccumulators();
    String right = a.secret();
    Gen<String> wrong = Gens.oneOf(
        Gens.integers(0, right.length() - 1).map(i -> {
          char[] c = right.toCharArray();
          c[i] = c[i] == 'a' ? 'b' : 'a';
          return new String(c);
        }),
        Gens.integers(1, right.length()).map(k -> right.substring(0, right.length() - k) + "#".repeat(k)));
    try {
      Property.forAll(wrong).tries(6).maxShrinkAttempts(10).checkAssert(w -> expectRejected(a, w));
    } catch (PropertyFailure f) {
      String rule = f.result().error().filter(e -> e instanceof RuleFailure)
          .map(e -> ((RuleFailure) e).rule()).orElse("WRK-10.5");
      throw new RuleFailure(rule, f.getMessage(), f);
    }
    long sum = sendAccepted(a, List.of(List.of(42L)));
    expectValue(a, sum, "WRK-10.5");
  }

  /**
   * WRK-10.4 (the driver's half): batches on one connection after the secret are applied and each
   * acknowledged with one byte 0x01; the accumulator ends at exactly their sum.
   */
  @Test
  default void required_WRK_10_4_driverAppliesAndAcknowledgesEachBatch() throws IOException {
    Accumulators a = startAccumulators();
    // A non-zero sum, so that a server acknowledging without applying cannot pass by chance.
    Gen<List<List<Long>>> batches = Gens.lists(Gens.lists(Gens.longs(-1_000_000, 1_000_000), 0, 5), 1, 6)
        .filter(b -> b.stream().flatMap(List::stream).mapToLong(Long::longValue).sum() != 0);
    long seed = Property.forAll(batches).effectiveSeed();
    List<List<Long>> sent = batches.generate(
        Choices.random(new SplittableRandom(seed)));
    long sum;
    try {
      sum = sendAccepted(a, sent);
    } catch (RuleFailure f) {
      throw new RuleFailure(f.rule(), f.getMessage().substring(f.rule().length() + 2)
          + " (batches from seed " + seed + ", rerun with --seed " + seed + ")", f);
    }
    expectValue(a, sum, "WRK-10.4");
  }
}
