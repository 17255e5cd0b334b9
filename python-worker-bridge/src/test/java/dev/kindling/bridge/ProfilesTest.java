package dev.kindling.bridge;

import static dev.kindling.bridge.Testkit.drain;
import static dev.kindling.bridge.Testkit.spec;
import static dev.kindling.bridge.Testkit.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.protocol.Profile;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import dev.kindling.protocol.ScaledTimeout;

/** The header and timing of each profile, as the test-kit worker parsed them. */
@ScaledTimeout(60)
class ProfilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @org.junit.jupiter.api.Test
  void aTaskProfileOtherThanTheFactorysIsRejected() {
    try (WorkerFactory f = Testkit.factory(Testkit.conf(BridgeConfig.PROFILE, "spark-4.2"))) {
      PythonRunner r = new PythonRunner(f);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.run(
              spec("echo").profile(Profile.SPARK_3_5).build(), List.of().iterator()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("task profile spark-3.5 differs from the worker factory's spark-4.2");
      try (PythonTaskRun run = r.run(spec("echo").profile(Profile.SPARK_4_2).build(),
          List.<Object>of(utf8("ok")).iterator())) {
        assertThat(drain(run)).hasSize(1);
        assertThat(run.metrics().workerTasksServed()).isEqualTo(1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void WRK_4_3_4_nonBarrierHeaderAndTimingPerProfile(Profile profile) throws Exception {
    long started = System.nanoTime();
    try (WorkerFactory f = Testkit.factory(Testkit.conf(BridgeConfig.PROFILE, profile.id()))) {
      TaskSpec spec = spec("header").splitIndex(7).stageId(3).partitionId(7).attemptNumber(1)
          .taskAttemptId(1234567890123L).cpus(2).localProperty("spark.job.description", "d")
          .resource("gpu", List.of("0", "1")).pythonInclude("lib.zip")
          .runnerConf("r", "1").evalConf("e", "2").build();
      try (PythonTaskRun run = new PythonRunner(f).run(spec, List.<Object>of(utf8("x")).iterator())) {
        JsonNode h = JSON.readTree(drain(run).get(0));
        // Every duration the timing section gives lies within this test's own wall time.
        long elapsedMs = (System.nanoTime() - started) / 1_000_000 + 1;
        assertThat(h.get("profile").asText()).isEqualTo(profile.id());
        assertThat(h.get("split").asInt()).isEqualTo(7);
        assertThat(h.get("evalType").asInt()).isZero();
        assertThat(h.get("includes").get(0).asText()).isEqualTo("lib.zip");
        JsonNode ctx = h.get("context");
        assertThat(ctx.get("isBarrier").asBoolean()).isFalse();
        assertThat(ctx.get("stageId").asInt()).isEqualTo(3);
        assertThat(ctx.get("attemptNumber").asInt()).isEqualTo(1);
        assertThat(ctx.get("taskAttemptId").asLong()).isEqualTo(1234567890123L);
        assertThat(ctx.get("cpus").asInt()).isEqualTo(2);
        assertThat(ctx.get("localProperties").get("spark.job.description").asText()).isEqualTo("d");
        assertThat(ctx.get("resources").get("gpu").get("addresses").toString()).isEqualTo("[\"0\",\"1\"]");
        if (profile.hasConfMaps()) {
          assertThat(ctx.get("connInfo").asInt()).isEqualTo(-1);
          assertThat(h.get("confs").toString()).isEqualTo("[{\"r\":\"1\"},{\"e\":\"2\"}]");
          assertThat(run.metrics().processingMs()).isBetween(0L, elapsedMs);
        } else {
          assertThat(h.get("confs").size()).isZero();
          assertThat(run.metrics().processingMs()).isEqualTo(-1);
        }
        if (profile.initMessage()) {
          // spark-4.3: the header came inside an init message, with the amount as a string.
          assertThat(h.get("initMessageLength").asInt()).isPositive();
          assertThat(ctx.get("cpuAmount").asText()).isEqualTo("2");
        } else {
          assertThat(h.get("initMessageLength").isNull()).isTrue();
          assertThat(ctx.has("cpuAmount")).isFalse();
        }
        assertThat(run.metrics().initMs()).isBetween(0L, elapsedMs);
        assertThat(run.metrics().finishMs()).isBetween(0L, elapsedMs);
      }
    }
  }
}
