package dev.kindling.engine.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.engine.Engine;
import dev.kindling.engine.JobFailedException;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.shuffle.ShuffleTest;
import dev.kindling.protocol.TimeFactor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventBusTest {
  @TempDir Path tmp;

  @Test
  void eventsOfATwoStageJobArriveInOrder() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      List<EngineEvent> events = Collections.synchronizedList(new ArrayList<>());
      engine.addListener(events::add);
      engine.setJobGroup("grp", "two stages", false);
      Dataset ds = engine.range(0, 3, 1, 3).mapPartitions(ShuffleTest.generate(5, 16), false).partitionBy(2, 0);
      assertThat(ds.count()).isEqualTo(15);
      assertThat(engine.awaitEventsDelivered(TimeFactor.scale(java.time.Duration.ofSeconds(10)))).isTrue();

      assertThat(events.get(0)).isInstanceOfSatisfying(EngineEvent.JobStart.class, s -> {
        assertThat(s.stageIds()).hasSize(2);
        assertThat(s.jobGroup()).isEqualTo("grp");
        assertThat(s.description()).isEqualTo("two stages");
      });
      assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(EngineEvent.JobEnd.class,
          e -> assertThat(e.succeeded()).isTrue());

      List<EngineEvent.StageSubmitted> stages = new ArrayList<>();
      int openStage = -1;
      int tasksInStage = 0;
      for (EngineEvent e : events.subList(1, events.size() - 1)) {
        if (e instanceof EngineEvent.StageSubmitted s) {
          assertThat(openStage).as("stages do not overlap").isEqualTo(-1);
          stages.add(s);
          openStage = s.stageId();
        } else if (e instanceof EngineEvent.TaskStart t) {
          assertThat(t.stageId()).isEqualTo(openStage);
        } else if (e instanceof EngineEvent.TaskEnd t) {
          assertThat(t.stageId()).isEqualTo(openStage);
          assertThat(t.successful()).isTrue();
          tasksInStage++;
        } else if (e instanceof EngineEvent.StageCompleted c) {
          assertThat(c.stageId()).isEqualTo(openStage);
          assertThat(c.failure()).isNull();
          assertThat(tasksInStage).isEqualTo(stages.get(stages.size() - 1).numTasks());
          openStage = -1;
          tasksInStage = 0;
        }
      }
      assertThat(stages).extracting(EngineEvent.StageSubmitted::numTasks).containsExactly(3, 2);
      long written = events.stream().filter(e -> e instanceof EngineEvent.TaskEnd)
          .mapToLong(e -> ((EngineEvent.TaskEnd) e).metrics().shuffleRecordsWritten()).sum();
      long read = events.stream().filter(e -> e instanceof EngineEvent.TaskEnd)
          .mapToLong(e -> ((EngineEvent.TaskEnd) e).metrics().shuffleRecordsRead()).sum();
      assertThat(written).isEqualTo(15);
      assertThat(read).isEqualTo(15);
    }
  }

  @Test
  void failedTasksAndJobsAreReported() throws Exception {
    try (Engine engine = TestEngines.local(tmp, "spark.task.maxFailures", "2")) {
      List<EngineEvent> events = Collections.synchronizedList(new ArrayList<>());
      engine.addListener(events::add);
      engine.addListener(e -> {
        throw new IllegalStateException("a broken listener does not stop the others");
      });
      Dataset ds = engine.parallelize(TestEngines.frames("a"), 1).mapPartitions((ctx, it) -> {
        throw new RuntimeException("bad record");
      }, false);
      try {
        ds.count();
      } catch (JobFailedException expected) {
        // checked below through the events
      }
      assertThat(engine.awaitEventsDelivered(TimeFactor.scale(java.time.Duration.ofSeconds(10)))).isTrue();
      assertThat(events).filteredOn(e -> e instanceof EngineEvent.TaskEnd).hasSize(2)
          .allSatisfy(e -> assertThat(((EngineEvent.TaskEnd) e).failure()).isEqualTo("bad record"));
      assertThat(events).filteredOn(e -> e instanceof EngineEvent.StageCompleted).singleElement()
          .satisfies(e -> assertThat(((EngineEvent.StageCompleted) e).failure()).contains("failed 2 times"));
      assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(EngineEvent.JobEnd.class,
          e -> assertThat(e.succeeded()).isFalse());
    }
  }
}
