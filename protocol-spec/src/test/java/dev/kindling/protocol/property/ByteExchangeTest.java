package dev.kindling.protocol.property;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ByteExchangeTest {
  @Test
  void recordsBothDirectionsInOrderAndMergesRuns() throws IOException {
    ByteExchange exchange = new ByteExchange();
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(exchange.recordOut(wire));
    out.writeInt(2);
    out.write('o');
    out.write(new byte[] {'k'});
    DataInputStream in =
        new DataInputStream(exchange.recordIn(new ByteArrayInputStream(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfc, 9})));
    assertThat(in.readInt()).isEqualTo(-4);
    out.write(0);
    assertThat(wire.toByteArray()).containsExactly(0, 0, 0, 2, 'o', 'k', 0);
    assertThat(exchange.toString())
        .isEqualTo(">> 00 00 00 02 6f 6b  |....ok|\n<< ff ff ff fc  |....|\n>> 00  |.|\n");
  }

  @Test
  void skippedBytesStayInTheTrace() throws IOException {
    ByteExchange exchange = new ByteExchange();
    InputStream in = exchange.recordIn(new ByteArrayInputStream(new byte[] {1, 2, 3}));
    assertThat(in.skip(2)).isEqualTo(2);
    assertThat(in.read()).isEqualTo(3);
    assertThat(in.read()).isEqualTo(-1);
    assertThat(exchange.toString()).isEqualTo("<< 01 02 03  |...|\n");
  }

  @Test
  void emptyExchangeIsEmptyTrace() {
    assertThat(new ByteExchange().toString()).isEmpty();
  }
}
