package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;
import static dev.kindling.tck.engine.EngineChecks.expectFastFailure;
import static dev.kindling.tck.engine.EngineChecks.expectOk;

import dev.kindling.protocol.header.BroadcastSection;
import dev.kindling.tck.NothingObserved;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Section 10. Shuffle key frames, accumulators and broadcasts of {@code worker.md}, checked with
 * the TCK as the worker: WRK-10: key frames partitioned, malformed ones failing the task, the
 * accumulator server protocol, broadcast files of one pickle, deleted afterwards. Part of {@link
 * EngineVerification}; a failure message starts with the id of the rule broken and ends with
 * where the session's records are.
 */
interface EngineKeyFrameAccumulatorBroadcastRules extends EngineRuleContext {
  /** WRK-10.2: map output read in pairs, key frame as i64, payload placed by the key. */
  @Test
  default void required_WRK_10_2_keyFramesPartitioned() {
    Records r = daemon();
    expectOk(r, "reduce", "WRK-10.2");
    expectOk(r, "partitionBy", "WRK-10.2");
    @SuppressWarnings("unchecked")
    List<List<Number>> pairs = (List<List<Number>>) r.jobResult("reduce").get("pairs");
    int total = 0;
    for (List<Number> p : pairs) {
      total += p.get(1).intValue();
    }
    check(pairs.size() == 7 && total == 200, "WRK-10.2", "reduceByKey gave " + pairs, r);
    @SuppressWarnings("unchecked")
    List<Number> sizes = (List<Number>) r.jobResult("partitionBy").get("sizes");
    check(sizes.size() == 3 && sizes.stream().mapToInt(Number::intValue).sum() == 40, "WRK-10.2",
        "partitionBy(3) of 40 pairs gave partition sizes " + sizes, r);
  }

  /** WRK-10.2: a key frame that is not 8 bytes fails the task. */
  @Test
  default void required_WRK_10_2_shortKeyFrameFailsTask() {
    expectFastFailure(daemon(), "shortKey", "WRK-10.2");
  }

  /** WRK-10.2: an odd number of map output frames fails the task. */
  @Test
  default void required_WRK_10_2_oddFramesFailTask() {
    expectFastFailure(daemon(), "oddKey", "WRK-10.2");
  }

  /**
   * WRK-10.4: the engine writes the raw secret to the driver's accumulator server, then batches
   * of an i32 count and blobs, each acknowledged with one byte 0x01 (seen through a tee on
   * the driver's update server: PySpark's socketserver-based one, or Kindling's).
   */
  @Test
  @SuppressWarnings("unchecked")
  default void required_WRK_10_4_accumulatorServerProtocol() {
    Records r = daemon();
    expectOk(r, "acc", "WRK-10.4");
    List<Map<String, Object>> logs = new ArrayList<>();
    for (Map<String, Object> e : r.driverEvents) {
      if ("accumulatorServer".equals(e.get("ev"))) {
        logs.add(e);
      }
    }
    NothingObserved.unless(!logs.isEmpty(),
        "the driver's accumulator update server is neither PySpark's nor Kindling's: not observable");
    int batches = 0;
    for (Map<String, Object> log : logs) {
      List<Map<String, Object>> evs = (List<Map<String, Object>>) log.get("events");
      check(!evs.isEmpty() && Boolean.TRUE.equals(evs.get(0).get("secret"))
              && Boolean.TRUE.equals(evs.get(0).get("matches")), "WRK-10.4",
          "the connection does not start with the raw secret: " + (evs.isEmpty() ? "nothing" : evs.get(0)), r);
      java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();
      for (Map<String, Object> e : evs.subList(1, evs.size())) {
        byte[] bytes = HexFormat.of().parseHex(String.valueOf(e.get("hex")));
        if ("in".equals(e.get("dir"))) {
          pending.writeBytes(bytes);
          continue;
        }
        check(bytes.length == 1 && bytes[0] == 1, "WRK-10.4", "acknowledgement "
            + HexFormat.of().formatHex(bytes) + " instead of 01", r);
        byte[] batch = pending.toByteArray();
        pending.reset();
        ByteBuffer b = ByteBuffer.wrap(batch);
        check(batch.length >= 4, "WRK-10.4", "acknowledged a batch of " + batch.length + " byte(s)", r);
        int count = b.getInt();
        check(count >= 0, "WRK-10.4", "negative update count " + count, r);
        for (int i = 0; i < count; i++) {
          check(b.remaining() >= 4, "WRK-10.4", "update " + i + " of " + count + " truncated", r);
          int len = b.getInt();
          check(len >= 0 && len <= b.remaining(), "WRK-10.4", "update blob length " + len, r);
          b.position(b.position() + len);
        }
        check(!b.hasRemaining(), "WRK-10.4", b.remaining() + " byte(s) after the batch's updates", r);
        batches++;
      }
    }
    check(batches > 0, "WRK-10.4", "no update batch reached the driver", r);
  }

  /** WRK-10.6: each broadcast file holds exactly one pickle of the value (read by the probe). */
  @Test
  default void required_WRK_10_6_broadcastFileIsOnePickle() {
    Records r = daemon();
    List<Map<String, Object>> cs = r.checks("WRK-10.6");
    NothingObserved.unless(!cs.isEmpty(), "no broadcast file could be read by the probe");
    for (Map<String, Object> c : cs) {
      check(Boolean.TRUE.equals(c.get("ok")), "WRK-10.6", c.get("conn") + ": " + c.get("detail"), r);
    }
  }

  /** WRK-10.7: the broadcast files are gone once the context has stopped. */
  @Test
  default void required_WRK_10_7_broadcastFilesDeleted() {
    Records r = daemon();
    check(r.driverEvent("driverStop").isPresent(), "WRK-10.7", "the driver did not stop its context", r);
    Set<String> paths = new TreeSet<>();
    for (Records.Conn c : r.conns) {
      for (Records.Task t : c.tasks) {
        for (BroadcastSection.Added a : decode(r, t).broadcasts().added()) {
          paths.add(a.path());
        }
      }
    }
    NothingObserved.unless(!paths.isEmpty(), "no broadcast was sent");
    for (String p : paths) {
      check(!Files.exists(Path.of(p)), "WRK-10.7", "broadcast file " + p
          + " still exists after the context stopped", r);
    }
  }
}
