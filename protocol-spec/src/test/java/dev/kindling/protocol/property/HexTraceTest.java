package dev.kindling.protocol.property;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HexTraceTest {
  @Test
  void rendersDirectionTaggedChunks() {
    String trace =
        HexTrace.create()
            .out(new byte[] {0, 0, 0, 2, 'o', 'k'})
            .in(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfc})
            .note("peer closed")
            .in(new byte[0])
            .toString();
    assertThat(trace)
        .isEqualTo(
            ">> 00 00 00 02 6f 6b  |....ok|\n"
                + "<< ff ff ff fc  |....|\n"
                + "-- peer closed\n"
                + "<< (0 bytes)\n");
  }

  @Test
  void wrapsLongChunksAndAlignsAsciiColumn() {
    byte[] bytes = new byte[18];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) ('A' + i);
    }
    String[] lines = HexTrace.create().out(bytes).toString().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).isEqualTo(">> 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50  |ABCDEFGHIJKLMNOP|");
    assertThat(lines[1]).startsWith(">> 51 52 ").endsWith("  |QR|");
    assertThat(lines[1].indexOf('|')).isEqualTo(lines[0].indexOf('|'));
  }

  @Test
  void hexIsLowercaseSpaceSeparated() {
    assertThat(HexTrace.hex(new byte[] {0x00, 0x2a, (byte) 0xff})).isEqualTo("00 2a ff");
    assertThat(HexTrace.hex(new byte[0])).isEmpty();
  }
}
