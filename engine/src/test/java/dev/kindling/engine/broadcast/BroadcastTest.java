package dev.kindling.engine.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.PartitionFunction;
import dev.kindling.engine.TaskContext;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BroadcastTest {
  @TempDir Path tmp;

  /** A record function that reads broadcast {@code id} the way a worker would: from its file. */
  private static PartitionFunction readBroadcast(long id) {
    return new PartitionFunction() {
      @Override
      public java.util.Iterator<Object> compute(TaskContext ctx, java.util.Iterator<Object> input) throws Exception {
        return List.<Object>of(Files.readString(ctx.broadcastFile(id))).iterator();
      }

      @Override
      public Set<Long> broadcastIds() {
        return Set.of(id);
      }
    };
  }

  @Test
  void WRK_10_7_workersReadTheFileAndUnpersistAndDestroyRemoveIt() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      Path driverFile = Files.writeString(tmp.resolve("bcast.pickle"), "value-1");
      long id = engine.registerBroadcast(driverFile);
      Dataset ds = engine.parallelize(TestEngines.frames("a", "b"), 2).mapPartitions(readBroadcast(id), false);
      assertThat(ds.collect()).containsExactly("value-1", "value-1");
      Path workerCopy = engine.broadcastFile(id);
      assertThat(workerCopy).exists().startsWith(engine.localDir());

      engine.unpersistBroadcast(id);
      assertThat(workerCopy).doesNotExist();
      assertThat(driverFile).exists();
      assertThat(ds.collect()).containsExactly("value-1", "value-1");

      engine.destroyBroadcast(id);
      assertThat(workerCopy).doesNotExist();
      assertThat(driverFile).doesNotExist();
      assertThatThrownBy(ds::collect).isInstanceOf(EngineException.class)
          .hasMessage("Attempted to use broadcast " + id + " after it was destroyed");
    }
  }

  @Test
  void WRK_10_7_stopDeletesRegisteredBroadcastFiles() throws Exception {
    Path driverFile = Files.writeString(tmp.resolve("b2.pickle"), "v");
    Engine engine = TestEngines.local(tmp);
    engine.registerBroadcast(driverFile);
    engine.stop();
    assertThat(driverFile).doesNotExist();
  }

  @Test
  void registeringAMissingFileFails() {
    try (Engine engine = TestEngines.local(tmp)) {
      assertThatThrownBy(() -> engine.registerBroadcast(tmp.resolve("missing")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not exist");
    }
  }
}
