package dev.kindling.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.TimeFactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class TestEnvironmentTest {
  private final TestEnvironment env = new TestEnvironment(Duration.ofMillis(200));

  @Test
  void asyncErrorsFromOtherThreadsFailVerification() throws InterruptedException {
    env.verifyNoAsyncErrors();
    Thread t = new Thread(() -> env.recordAsyncError(new IllegalStateException("WRK-5.4: bad frame")));
    t.start();
    t.join();
    env.recordAsyncError(new AssertionError("second"));
    assertThat(env.asyncErrors()).hasSize(2);
    assertThatThrownBy(env::verifyNoAsyncErrors)
        .isInstanceOf(AssertionError.class)
        .hasMessage("async error (1 of 2): WRK-5.4: bad frame")
        .hasCauseInstanceOf(IllegalStateException.class)
        .satisfies(e -> assertThat(e.getSuppressed()).hasSize(1));
  }

  @Test
  void flopRecordsAndThrows() {
    assertThatThrownBy(() -> env.flop("peer sent 3 bytes")).hasMessage("peer sent 3 bytes");
    assertThatThrownBy(env::verifyNoAsyncErrors).hasMessage("async error: peer sent 3 bytes");
  }

  @Test
  void awaitsWithTheEnvironmentTimeout() {
    assertThat(env.await(CompletableFuture.completedFuture(7), "seven")).isEqualTo(7);
    assertThatThrownBy(() -> env.await(new CompletableFuture<Integer>(), "the header"))
        .hasMessage("timed out after 200 ms waiting for the header");
    assertThatThrownBy(() -> env.await(CompletableFuture.failedFuture(new IOException("reset")), "a reply"))
        .hasMessage("a reply failed: java.io.IOException: reset");
    assertThatThrownBy(() -> env.await(new CountDownLatch(1), "the worker to connect"))
        .hasMessage("timed out after 200 ms waiting for the worker to connect");
    env.await(new CountDownLatch(0), "nothing");
  }

  /** Process tests get a generous timeout so a loaded machine cannot make them flaky. */
  private final TestEnvironment slow = new TestEnvironment(Duration.ofSeconds(30));

  @Test
  void launchesProcessesWithEnvironmentAndCapturesStderr() throws IOException {
    LaunchedProcess p =
        slow.launch(
            List.of("sh", "-c", "echo \"$KINDLING_TEST_SECRET\"; echo oops >&2; exit 3"),
            Map.of("KINDLING_TEST_SECRET", "s3cr3t"));
    assertThat(p.waitFor()).isEqualTo(3);
    assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("s3cr3t\n");
    assertThat(p.stderrTail()).isEqualTo("oops\n");
    slow.close();
  }

  @Test
  void waitForTimesOutAndCloseDestroys() throws InterruptedException {
    LaunchedProcess p = env.launch(List.of("sh", "-c", "echo starting >&2; exec sleep 30"), Map.of());
    long deadline = System.nanoTime() + TimeFactor.scale(Duration.ofSeconds(30)).toNanos();
    while (!p.stderrTail().contains("starting") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThatThrownBy(() -> p.waitFor(Duration.ofMillis(300)))
        .hasMessageStartingWith("process did not exit within 300 ms: [sh, -c, echo starting >&2; exec sleep 30]")
        .hasMessageContaining("stderr:\nstarting");
    env.close();
    assertThat(p.process().isAlive()).isFalse();
  }

  @Test
  void loopbackSocketsHaveTimeoutsAndAreClosed() throws IOException {
    java.net.ServerSocket server = slow.listen();
    assertThat(server.getInetAddress().isLoopbackAddress()).isTrue();
    java.net.Socket client = slow.connect(server.getLocalPort());
    java.net.Socket accepted = slow.accept(server, "the worker");
    assertThat(accepted.getSoTimeout()).isEqualTo(30_000);
    assertThat(client.getSoTimeout()).isEqualTo(30_000);
    client.getOutputStream().write(42);
    assertThat(accepted.getInputStream().read()).isEqualTo(42);
    slow.close();
    assertThat(server.isClosed()).isTrue();
    assertThat(accepted.isClosed()).isTrue();
    assertThat(client.isClosed()).isTrue();
  }

  @Test
  void acceptTimesOutNamingWhoDidNotConnect() {
    java.net.ServerSocket server = env.listen();
    assertThatThrownBy(() -> env.accept(server, "the worker"))
        .hasMessage("the worker did not connect to port " + server.getLocalPort() + " within 200 ms");
    env.close();
  }

  @Test
  void launchWithoutCommandExplainsWhatIsMissing() {
    assertThatThrownBy(() -> env.launch(List.of(), Map.of()))
        .hasMessageContaining("give it after '--'");
  }
}
