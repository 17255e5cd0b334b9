package dev.kindling.bridge;

import static dev.kindling.bridge.Testkit.drain;
import static dev.kindling.bridge.Testkit.spec;
import static dev.kindling.bridge.Testkit.strings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.protocol.ScaledTimeout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 16: a daemon started before the first task, which that task then forks from. */
@ScaledTimeout(60)
class WorkerFactoryPrestartTest {

  @Test
  void prestartedDaemonServesTheFirstTaskAndStopsWithTheFactory() {
    WorkerFactory factory = Testkit.factory(Testkit.conf());
    long pid;
    try {
      assertThat(factory.daemonPid()).isEmpty();
      factory.prestart();
      pid = factory.daemonPid().orElseThrow();
      factory.prestart(); // a running daemon is kept
      assertThat(factory.daemonPid()).contains(pid);
      try (PythonTaskRun run = new PythonRunner(factory).run(spec("echo").build(), List.<Object>of("x").iterator())) {
        assertThat(strings(drain(run))).containsExactly("x");
        assertThat(ProcessHandle.of(run.workerPid()).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
            .contains(pid);
      }
      assertThat(factory.daemonPid()).contains(pid);
    } finally {
      factory.close();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    factory.prestart(); // closed: starts nothing
    assertThat(factory.daemonPid()).isEmpty();
  }

  @Test
  void simpleModeHasNoDaemonToStart() {
    Map<String, String> conf = new HashMap<>(Testkit.conf());
    conf.put(BridgeConfig.USE_DAEMON, "false");
    WorkerFactory factory = Testkit.factory(conf);
    try {
      factory.prestart();
      assertThat(factory.daemonPid()).isEmpty();
    } finally {
      factory.close();
    }
  }
}
