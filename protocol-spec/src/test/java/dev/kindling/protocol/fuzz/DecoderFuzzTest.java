package dev.kindling.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.auth.SocketAuth;
import dev.kindling.protocol.conninfo.ConnInfoCodec;
import dev.kindling.protocol.frame.FrameReader;
import dev.kindling.protocol.header.TaskHeaderCodec;
import dev.kindling.protocol.output.WorkerOutputDecoder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

/**
 * Jazzer on every Java decoder of the protocol module (WRK-1.4: bounds before allocation, WRK-1.5:
 * truncation named; every error a ProtocolException naming its rule, see {@link DecoderOracle}).
 *
 * <p>In a normal build these run in regression mode: each replays its committed corpus
 * ({@code src/test/resources/dev/kindling/protocol/fuzz/DecoderFuzzTestInputs/<method>/}, seeded from
 * the golden vectors) in well under a second. {@code protocol-spec/tools/fuzz.sh} fuzzes them
 * for a given time each and reports the inputs tried per decoder.
 */
class DecoderFuzzTest {
  private static final String SECRET = "ab".repeat(32);

  @FuzzTest(maxDuration = "10s")
  void connInfo(byte[] data) {
    DecoderOracle.check("ConnInfoCodec.decode", data, () -> ConnInfoCodec.decode(data, DecoderOracle.SMALL));
  }

  @FuzzTest(maxDuration = "10s")
  void authServer(byte[] data) {
    DecoderOracle.check("SocketAuth.serverHandshake", data,
        () -> SocketAuth.serverHandshake(new ByteArrayInputStream(data), new ByteArrayOutputStream(), SECRET));
  }

  @FuzzTest(maxDuration = "10s")
  void authClient(byte[] data) {
    DecoderOracle.check("SocketAuth.clientHandshake", data,
        () -> SocketAuth.clientHandshake(new ByteArrayInputStream(data), new ByteArrayOutputStream(), SECRET));
  }

  @FuzzTest(maxDuration = "10s")
  void frames(byte[] data) {
    DecoderOracle.check("FrameReader", data, () -> {
      FrameReader r = new FrameReader(new ByteArrayInputStream(data), DecoderOracle.SMALL);
      while (r.readFrame() != null) {
        // every frame up to a clean end or an error
      }
    });
  }

  private static void header(Profile p, byte[] data) {
    DecoderOracle.check("TaskHeaderCodec.decode " + p.id(), data,
        () -> TaskHeaderCodec.decode(new ByteArrayInputStream(data), p, DecoderOracle.SMALL));
  }

  @FuzzTest(maxDuration = "10s")
  void headerSpark35(byte[] data) {
    header(Profile.SPARK_3_5, data);
  }

  @FuzzTest(maxDuration = "10s")
  void headerSpark41(byte[] data) {
    header(Profile.SPARK_4_1, data);
  }

  @FuzzTest(maxDuration = "10s")
  void headerSpark42(byte[] data) {
    header(Profile.SPARK_4_2, data);
  }

  /** spark-4.3: the init message (WRK-4.10) around spark-4.2's header. */
  @FuzzTest(maxDuration = "10s")
  void headerSpark43InitMessage(byte[] data) {
    header(Profile.SPARK_4_3, data);
  }

  private static void output(Profile p, byte[] data) {
    DecoderOracle.check("WorkerOutputDecoder " + p.id(), data,
        () -> new WorkerOutputDecoder(new ByteArrayInputStream(data), p, DecoderOracle.SMALL).readAll());
  }

  @FuzzTest(maxDuration = "10s")
  void outputSpark35(byte[] data) {
    output(Profile.SPARK_3_5, data);
  }

  @FuzzTest(maxDuration = "10s")
  void outputSpark42(byte[] data) {
    output(Profile.SPARK_4_2, data);
  }
}
