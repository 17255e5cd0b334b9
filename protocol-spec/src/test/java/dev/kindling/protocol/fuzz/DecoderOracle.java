package dev.kindling.protocol.fuzz;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.spec.RuleCatalog;
import java.util.Set;

/**
 * The property every decoder must hold on any bytes: it returns, or throws a
 * {@link ProtocolException} whose rule is in the specs and whose message starts with that rule.
 * Anything else (an IOException of another kind, a RuntimeException, an Error such as
 * OutOfMemoryError from an allocation beyond the limits) is a finding.
 *
 * <p>The limits are small ({@link #SMALL}) so that an allocation from an unchecked length
 * (up to 2 GiB) shows as an OutOfMemoryError under the fuzzing JVM's heap, while every declared
 * bound stays far below it.
 */
final class DecoderOracle {
  static final Limits SMALL = Limits.builder()
      .maxFrameBytes(1 << 16)
      .maxSecretBytes(256)
      .maxHeaderCount(64)
      .maxHeaderStringBytes(1 << 12)
      .maxConfEntries(64)
      .maxAccumulatorUpdates(64)
      .maxInitMessageBytes(1 << 16)
      .build();

  private static final Set<String> IDS = RuleCatalog.load().ids();

  /** One decoding attempt. */
  interface Decode {
    void run() throws Exception;
  }

  private DecoderOracle() {}

  static void check(String decoder, byte[] input, Decode decode) {
    try {
      decode.run();
    } catch (ProtocolException e) {
      String rule = e.ruleId();
      if (!IDS.contains(rule) || e.getMessage() == null || !e.getMessage().startsWith(rule + ": ")) {
        throw new AssertionError(decoder + ": a ProtocolException naming no spec rule (" + rule + "): "
            + e.getMessage() + " on " + hex(input), e);
      }
    } catch (Throwable t) {
      throw new AssertionError(decoder + ": " + t + " instead of a ProtocolException naming a rule, on "
          + hex(input), t);
    }
  }

  static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, 256); i++) {
      s.append(String.format("%02x", b[i]));
    }
    return s.append(b.length > 256 ? "... (" + b.length + " bytes)" : "").toString();
  }
}
