package dev.kindling.protocol.header;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.io.WireReader;
import java.io.IOException;

/** A {@link WireReader} with the header's bounds (WRK-4.9) attached. */
final class HeaderInput {
  static final String BOUND_RULE = "WRK-4.9";

  final WireReader in;
  final Limits limits;

  HeaderInput(WireReader in, Limits limits) {
    this.in = in;
    this.limits = limits;
  }

  /** A count in 0..maxHeaderCount (WRK-4.9). */
  int count(String field) throws IOException {
    int n = in.readInt(field);
    if (n < 0 || n > limits.maxHeaderCount()) {
      throw new dev.kindling.protocol.ProtocolException(
          BOUND_RULE, field + " " + n + " outside 0.." + limits.maxHeaderCount());
    }
    return n;
  }

  /** A utf of at most maxHeaderStringBytes (WRK-4.9). */
  String utf(String field) throws IOException {
    return in.readUtf(field, limits.maxHeaderStringBytes(), BOUND_RULE);
  }

  /** A blob of at most maxHeaderStringBytes (WRK-4.9). */
  byte[] blob(String field) throws IOException {
    return in.readBlob(field, limits.maxHeaderStringBytes(), BOUND_RULE);
  }

  int i32(String field) throws IOException {
    return in.readInt(field);
  }

  long i64(String field) throws IOException {
    return in.readLong(field);
  }

  boolean bool(String field) throws IOException {
    return in.readBool(field);
  }
}
