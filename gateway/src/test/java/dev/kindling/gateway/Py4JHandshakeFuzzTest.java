package dev.kindling.gateway;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Jazzer on the Py4J handshake gate (GW-2.2 to GW-2.5): on any bytes it ends in one outcome, never
 * an exception; it reads at most two lines of at most {@code maxGatewayLineBytes} + 1 bytes each
 * (GW-2.5: no unbounded line); and it accepts only {@code A LF <secret> LF} (CR LF allowed).
 * Regression inputs: {@code src/test/resources/dev/kindling/gateway/Py4JHandshakeFuzzTestInputs/}.
 */
class Py4JHandshakeFuzzTest {
  private static final String SECRET = "c0ffee".repeat(10) + "abcd";
  private static final int MAX_LINE = 256;

  @FuzzTest(maxDuration = "10s")
  void handshakeGate(byte[] data) {
    ByteArrayInputStream in = new ByteArrayInputStream(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Py4JHandshake.Outcome outcome;
    try {
      outcome = new Py4JHandshake(SECRET, MAX_LINE).exchange(in, out);
    } catch (Throwable t) {
      throw new AssertionError("the handshake threw " + t + " instead of an outcome", t);
    }
    int read = data.length - in.available();
    if (read > 2 * (MAX_LINE + 2)) {
      throw new AssertionError("GW-2.5: the handshake read " + read + " bytes with lines bounded by " + MAX_LINE);
    }
    if (outcome == Py4JHandshake.Outcome.ACCEPTED) {
      String text = new String(Arrays.copyOf(data, read), StandardCharsets.ISO_8859_1);
      String plain = "A\n" + SECRET + "\n";
      boolean valid = text.equals(plain) || text.equals("A\r\n" + SECRET + "\n")
          || text.equals("A\n" + SECRET + "\r\n") || text.equals("A\r\n" + SECRET + "\r\n");
      if (!valid) {
        throw new AssertionError("GW-2.3: accepted " + text.replace("\n", "\\n"));
      }
      if (!Py4JHandshake.OK_REPLY.equals(out.toString(StandardCharsets.UTF_8))) {
        throw new AssertionError("GW-2.2: accepted but replied " + out);
      }
    } else if (outcome == Py4JHandshake.Outcome.TIMED_OUT) {
      throw new AssertionError("a stream that cannot time out timed out");
    }
  }
}
