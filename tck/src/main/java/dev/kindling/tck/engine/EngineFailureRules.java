package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;
import static dev.kindling.tck.engine.EngineChecks.expectFastFailure;
import static dev.kindling.tck.engine.EngineChecks.expectOk;
import static dev.kindling.tck.engine.EngineChecks.firstLines;
import static dev.kindling.tck.engine.EngineChecks.notReusedAfter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Section 7. Failures of {@code worker.md}, checked with the TCK as the worker: WRK-7.3 and 7.4:
 * the exception frame's text reported, no reuse after it, crashes failing the task with exit
 * status and stderr tail. Part of {@link EngineVerification}; a failure message starts with the
 * id of the rule broken and ends with where the session's records are.
 */
interface EngineFailureRules extends EngineRuleContext {
  /** WRK-7.3: a Python exception fails the task with the traceback in the error. */
  @Test
  default void required_WRK_7_3_userExceptionCarriesTraceback() {
    for (Records r : modeSessions()) {
      String err = expectFastFailure(r, "raise", "WRK-7.3");
      check(err.contains(Sessions.USER_TOKEN) && err.contains("Traceback"), "WRK-7.3",
          "the job error does not carry the Python traceback: " + firstLines(err), r);
    }
  }

  /** WRK-7.3: the exception frame's text reaches the driver as written. */
  @Test
  default void required_WRK_7_3_exceptionFrameTextReported() {
    Records r = daemon();
    String err = expectFastFailure(r, "raiseFrame", "WRK-7.3");
    check(err.contains("KINDLING_TCK_TRACEBACK_MARKER " + Sessions.FRAME_TOKEN), "WRK-7.3",
        "the job error does not carry the worker's traceback text: " + firstLines(err), r);
    expectOk(r, "afterRaise", "WRK-7.3");
  }

  /** WRK-7.3: a worker that sent the exception path is not reused. */
  @Test
  default void required_WRK_7_3_noReuseAfterException() {
    Records r = daemon();
    int n = 0;
    for (String job : List.of("raise", "raiseFrame")) {
      for (Records.Task t : r.tasksOf(job)) {
        boolean failed = t.behaviour().equals("raiseFrame")
            || t.conn.taskEvents(t.index).stream().anyMatch(
                e -> "taskEnd".equals(e.get("ev")) && !Integer.valueOf(0).equals(e.get("exitCode")));
        if (failed) {
          n++;
          notReusedAfter(r, t, "WRK-7.3", "ended with the exception path");
        }
      }
    }
    check(n > 0, "WRK-7.3", "no task took the exception path", r);
  }

  /** WRK-7.4: a worker that dies mid-output fails the task, saying it crashed, without hanging. */
  @Test
  default void required_WRK_7_4_crashFailsTask() {
    for (Records r : modeSessions()) {
      String err = expectFastFailure(r, "crash", "WRK-7.4").toLowerCase(Locale.ROOT);
      check(err.contains("crash") || err.contains("exited") || err.contains("died"), "WRK-7.4",
          "the job error does not say the worker crashed: " + firstLines(err), r);
    }
  }

  /** WRK-7.4: in simple mode the exit status of the crashed worker is in the error. */
  @Test
  default void required_WRK_7_4_crashReportsExitStatus() {
    Records r = simple();
    String err = expectFastFailure(r, "crash", "WRK-7.4");
    // "exit code 97", "exit status: 97", "exited with 97"; never a stack trace's line number
    Pattern status = Pattern.compile(
        "(?i)(exit|status|code)[^\\d\\n]{0,24}\\b" + Sessions.CRASH_EXIT + "\\b");
    check(status.matcher(err).find(), "WRK-7.4",
        "the error does not give the worker's exit status " + Sessions.CRASH_EXIT + ": " + firstLines(err), r);
  }

  /** WRK-7.4: the tail of the crashed worker's standard error is in the error. */
  @Test
  default void required_WRK_7_4_crashReportsStderrTail() {
    Records r = simple();
    String err = expectFastFailure(r, "crash", "WRK-7.4");
    check(err.contains(Sessions.CRASH_TOKEN), "WRK-7.4",
        "the error does not include the worker's standard error: " + firstLines(err), r);
  }

  /** WRK-7.4: end of stream where the reuse reply belongs also fails the task. */
  @Test
  default void required_WRK_7_4_eofBeforeReuseReplyFailsTask() {
    expectFastFailure(daemon(), "accCrash", "WRK-7.4");
  }

  private List<Records> modeSessions() {
    List<Records> rs = new ArrayList<>();
    if (setup().daemonMode) {
      rs.add(daemon());
    }
    if (setup().simpleMode) {
      rs.add(simple());
    }
    return rs;
  }
}
