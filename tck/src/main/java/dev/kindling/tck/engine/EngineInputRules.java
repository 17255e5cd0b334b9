package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;
import static dev.kindling.tck.engine.EngineChecks.expectFastFailure;
import static dev.kindling.tck.engine.EngineChecks.expectOk;
import static dev.kindling.tck.engine.EngineChecks.fail;

import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.frame.Frame;
import dev.kindling.protocol.frame.FrameReader;
import dev.kindling.protocol.frame.SpecialLength;
import dev.kindling.tck.NothingObserved;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Section 5. Input data (JVM → worker) of {@code worker.md}, checked with the TCK as the worker:
 * WRK-5: input frames and end markers, bad lengths and oversized frames rejected, no deadlock on
 * large output. Part of {@link EngineVerification}; a failure message starts with the id of the
 * rule broken and ends with where the session's records are.
 */
interface EngineInputRules extends EngineRuleContext {
  /** WRK-5.1: input elements are blobs (or NULL) up to END_OF_DATA_SECTION. */
  @Test
  default void required_WRK_5_1_inputFrames() {
    eachInput((r, t, frames) -> {
      for (int i = 0; i < frames.size() - 2; i++) {
        Frame f = frames.get(i);
        check(f.isData() || f.special() == SpecialLength.NULL, "WRK-5.1",
            t + ": input frame " + i + " is " + f + " before the end of the data", r);
      }
    });
  }

  /** WRK-5.2: END_OF_DATA_SECTION then at once END_OF_STREAM, flushed (the jobs complete). */
  @Test
  default void required_WRK_5_2_inputEndMarkers() {
    eachInput((r, t, frames) -> {
      int n = frames.size();
      check(n >= 2 && frames.get(n - 2).special() == SpecialLength.END_OF_DATA_SECTION
              && frames.get(n - 1).special() == SpecialLength.END_OF_STREAM, "WRK-5.2",
          t + ": input does not end with -1, -4: " + frames.subList(Math.max(0, n - 2), n), r);
    });
    for (Records r : sessions()) {
      expectOk(r, r.session.equals(Sessions.DAEMON_START) ? "afterStart" : "map", "WRK-5.2");
    }
  }

  interface InputCheck {
    void check(Records r, Records.Task t, List<Frame> frames);
  }

  private void eachInput(InputCheck c) {
    int n = 0;
    for (Records r : sessions()) {
      for (Records.Task t : r.tasks()) {
        Optional<Map<String, Object>> ev = t.inputEvent();
        if (t.input == null || ev.isEmpty() || Boolean.TRUE.equals(ev.get().get("truncated"))) {
          continue;
        }
        List<Frame> frames = new ArrayList<>();
        FrameReader fr = new FrameReader(new ByteArrayInputStream(t.input));
        try {
          Frame f;
          while ((f = fr.readFrame()) != null) {
            frames.add(f);
          }
        } catch (ProtocolException e) {
          throw new AssertionError(e.getMessage() + " (input of " + t + ")" + r.diagnostics(), e);
        } catch (IOException e) {
          throw fail("WRK-5.5", t + ": " + e, r);
        }
        c.check(r, t, frames);
        n++;
      }
    }
    NothingObserved.unless(n > 0, "no complete task input was recorded");
  }

  /** WRK-5.3: a negative frame length that is not a special length fails the task, no hang. */
  @Test
  default void required_WRK_5_3_badNegativeLengthRejected() {
    expectFastFailure(daemon(), "garbage", "WRK-5.3");
  }

  /**
   * WRK-5.4: a frame length above the maximum fails the task before the body is read: the probe
   * sends 512 MiB + 1 and 16 bytes, then waits; an engine that waits for the body fails late.
   */
  @Test
  default void required_WRK_5_4_oversizedFrameRejected() {
    expectFastFailure(simple(), "hugeLength", "WRK-5.4");
  }

  /** WRK-5.6: the engine reads output while writing input: a worker that writes 16 MiB first. */
  @Test
  default void required_WRK_5_6_noDeadlockOnLargeOutput() {
    Records r = daemon();
    expectOk(r, "largeOutput", "WRK-5.6");
    Object count = r.jobResult("largeOutput").get("count");
    int tasks = r.tasksOf("largeOutput").size();
    check(count instanceof Number
            && ((Number) count).intValue() == tasks * Sessions.LARGE_FRAMES * Sessions.LARGE_ELEMENTS,
        "WRK-5.6", "collected " + count + " elements from " + tasks + " task(s), expected "
            + Sessions.LARGE_FRAMES * Sessions.LARGE_ELEMENTS + " each", r);
  }
}
