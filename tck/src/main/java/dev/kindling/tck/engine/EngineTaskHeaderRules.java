package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;

import dev.kindling.protocol.header.TaskHeader;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Section 4. Task header (JVM → worker) of {@code worker.md}, checked with the TCK as the worker:
 * WRK-4.1 to 4.4, 4.6 to 4.10: split index, Python version, task context, files and includes,
 * eval type, confs, command, bounds, the init message. Part of {@link EngineVerification}; a
 * failure message starts with the id of the rule broken and ends with where the session's records
 * are.
 */
interface EngineTaskHeaderRules extends EngineRuleContext {
  /** WRK-4.1: the header starts with the split index, the task's partition. */
  @Test
  default void required_WRK_4_1_splitIndexFirst() {
    eachHeader((r, t, h) -> {
      check(h.splitIndex() >= 0, "WRK-4.1", t + ": split index " + h.splitIndex(), r);
      check(h.splitIndex() == h.taskContext().partitionId(), "WRK-4.1", t + ": split index "
          + h.splitIndex() + " but partitionId " + h.taskContext().partitionId(), r);
    });
  }

  /** WRK-4.2: the driver's Python version, "major.minor". */
  @Test
  default void required_WRK_4_2_pythonVersion() {
    eachHeader((r, t, h) -> {
      String driver = String.valueOf(r.driverEvent("driverStart").map(e -> e.get("pythonVersion")).orElse(""));
      check(h.pythonVersion().matches("\\d+\\.\\d+"), "WRK-4.2", t + ": python version '"
          + h.pythonVersion() + "' is not major.minor", r);
      check(h.pythonVersion().equals(driver), "WRK-4.2", t + ": python version "
          + h.pythonVersion() + " but the driver runs " + driver, r);
    });
  }

  /** WRK-4.3.1: spark-3.5 binary task context. */
  @Test
  default void required_WRK_4_3_1_binaryTaskContext() {
    eachHeader((r, t, h) -> checkContextIds(r, t, h, "WRK-4.3.1"));
  }

  /** WRK-4.3.2: spark-4.1 binary task context without barrier fields. */
  @Test
  default void required_WRK_4_3_2_compactTaskContext() {
    eachHeader((r, t, h) -> checkContextIds(r, t, h, "WRK-4.3.2"));
  }

  /** WRK-4.3.3: spark-4.2 task context as one JSON utf with exactly the keys. */
  @Test
  default void required_WRK_4_3_3_jsonTaskContext() {
    eachHeader((r, t, h) -> checkContextIds(r, t, h, "WRK-4.3.3"));
  }

  private static void checkContextIds(Records r, Records.Task t, TaskHeader h, String rule) {
    var c = h.taskContext();
    check(c.stageId() >= 0 && c.partitionId() >= 0 && c.attemptNumber() >= 0
        && c.taskAttemptId() >= 0 && c.cpus() >= 1, rule, t + ": implausible task context " + c, r);
    Object stage = t.event.get("stageId");
    check(stage instanceof Number && ((Number) stage).intValue() == c.stageId(), rule,
        t + ": the probe and the codec disagree on the stage id", r);
  }

  /**
   * WRK-4.3.5: on spark-4.3 the JSON context carries cpuAmount, a plain decimal whose ceiling is
   * cpus (the codec has checked its form).
   */
  @Test
  default void required_WRK_4_3_5_cpuAmount() {
    eachHeader((r, t, h) -> {
      var c = h.taskContext();
      check(c.cpuAmount() != null, "WRK-4.3.5", t + ": no cpuAmount", r);
      java.math.BigDecimal amount = new java.math.BigDecimal(c.cpuAmount());
      check(amount.setScale(0, java.math.RoundingMode.CEILING).intValueExact() == c.cpus(), "WRK-4.3.5",
          t + ": cpus " + c.cpus() + " is not cpuAmount " + c.cpuAmount() + " rounded up", r);
    });
  }

  /**
   * WRK-4.10.1: on spark-4.3 the engine writes the header as one init message: i32 -8, i32 N and
   * exactly N bytes of header (the codec rejects another id, an N out of bounds and a header that
   * does not end at N), and the input follows it.
   */
  @Test
  default void required_WRK_4_10_1_headerInInitMessage() {
    eachHeader((r, t, h) -> {
      ByteBuffer b = ByteBuffer.wrap(t.header);
      int id = b.getInt();
      int n = b.getInt();
      check(id == dev.kindling.protocol.ProtocolConstants.MessageIds.START_OF_INIT_MESSAGE, "WRK-4.10.1",
          t + ": message id " + id, r);
      check(n == t.header.length - 8, "WRK-4.10.1",
          t + ": N " + n + " but the header the probe parsed has " + (t.header.length - 8) + " bytes", r);
    });
  }

  /** WRK-4.3.4: no barrier tasks: isBarrier false (and connInfo -1 on spark-4.2 and 4.3). */
  @Test
  default void required_WRK_4_3_4_notBarrier() {
    eachHeader((r, t, h) -> {
      var c = h.taskContext();
      check(!c.isBarrier(), "WRK-4.3.4", t + ": isBarrier true", r);
      if (profile().jsonTaskContext()) {
        check(Integer.valueOf(-1).equals(c.connInfo()), "WRK-4.3.4", t + ": connInfo "
            + c.connInfo() + ", expected -1 for a non-barrier task", r);
      }
    });
  }

  /** WRK-4.4.1: the SparkFiles root and the includes follow the task context. */
  @Test
  default void required_WRK_4_4_1_filesAndIncludes() {
    eachHeader((r, t, h) -> check(!h.sparkFilesDir().isEmpty(), "WRK-4.4.1",
        t + ": empty SparkFiles root directory", r));
  }

  /** WRK-4.6: the RDD path's eval type is 0 (NON_UDF). */
  @Test
  default void required_WRK_4_6_evalTypeNonUdf() {
    eachHeader((r, t, h) -> check(h.evalType() == 0, "WRK-4.6", t + ": eval type " + h.evalType(), r));
  }

  /** WRK-4.7: spark-4.2 runnerConf and evalConf maps (decoded within bounds by the codec). */
  @Test
  default void required_WRK_4_7_confMaps() {
    eachHeader((r, t, h) -> check(h.runnerConf() != null && h.evalConf() != null, "WRK-4.7",
        t + ": no conf maps", r));
  }

  /** WRK-4.8: the header ends with the command blob. */
  @Test
  default void required_WRK_4_8_commandLast() {
    eachHeader((r, t, h) -> check(h.command().length > 0, "WRK-4.8", t + ": empty command", r));
  }

  /** WRK-4.9: every count and string of the header within the limits (checked while decoding). */
  @Test
  default void required_WRK_4_9_headerWithinLimits() {
    eachHeader((r, t, h) -> { });
  }
}
