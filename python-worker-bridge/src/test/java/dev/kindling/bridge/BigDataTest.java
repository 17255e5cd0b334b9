package dev.kindling.bridge;

import static dev.kindling.bridge.Testkit.spec;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import dev.kindling.protocol.ScaledTimeout;

/**
 * Data far larger than every socket and pipe buffer through an echo worker (kindling.worker with a
 * NoOpSerializer identity command built by the venv's cloudpickle, and the test kit's worker)
 * (WRK-5.6): no deadlock, every byte back, and the bridge's own buffering bounded.
 *
 * <p>The unit suite streams 64 MiB (a thousand times a socket buffer). The gibibyte run, which
 * also checks that the heap stays flat, is tagged {@code long} and excluded by default:
 * {@code mvn -pl python-worker-bridge -am verify -Dkindling.test.excludedGroups= -Dgroups=long}
 * ({@code -Dkindling.bridge.bigBytes} changes its size).
 */
class BigDataTest {
  private static final int FRAME = 64 * 1024;

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"kindling.worker", "kindling_peers.worker"})
  @ScaledTimeout(120)
  void WRK_5_6_dataFarLargerThanTheBuffersStreamsWithBoundedBuffering(String worker) {
    stream(worker, 64L << 20, false);
  }

  @org.junit.jupiter.api.Tag("long")
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"kindling.worker", "kindling_peers.worker"})
  @ScaledTimeout(600)
  void WRK_5_6_oneGibibyteKeepsTheHeapFlat(String worker) {
    stream(worker, Long.getLong("kindling.bridge.bigBytes", 1L << 30), true);
  }

  private static void stream(String worker, long total, boolean checkHeap) {
    long frames = total / FRAME;
    byte[] frame = new byte[FRAME];
    for (int i = 0; i < FRAME; i++) {
      frame[i] = (byte) i;
    }
    boolean kindling = worker.equals("kindling.worker");
    Map<String, String> conf = kindling ? Testkit.kindlingConf() : Testkit.conf();
    TaskSpec spec = kindling
        ? TaskSpec.builder().pythonVersion(Testkit.pythonVersion())
            .command(Testkit.kindlingCommand("identity")).build()
        : spec("echo").build();
    try (WorkerFactory f = Testkit.factory(conf)) {
      PythonRunner r = new PythonRunner(f);
      Iterator<Object> in = new Iterator<>() {
        long sent;

        @Override
        public boolean hasNext() {
          return sent < frames;
        }

        @Override
        public Object next() {
          sent++;
          return frame;
        }
      };
      long got = 0;
      long bytes = 0;
      long[] heap = new long[3];
      long[] marks = {frames / 10, frames / 2, frames * 9 / 10};
      int mark = 0;
      try (PythonTaskRun run = r.run(spec, in)) {
        while (run.hasNext()) {
          byte[] b = run.next();
          if (got == 0) {
            assertThat(b).isEqualTo(frame);
          }
          got++;
          bytes += b.length;
          if (checkHeap && mark < marks.length && got == marks[mark]) {
            heap[mark++] = usedHeapAfterGc();
          }
        }
        PythonTaskMetrics m = run.metrics();
        assertThat(got).isEqualTo(frames);
        assertThat(bytes).isEqualTo(frames * FRAME);
        assertThat(m.bytesWritten()).isEqualTo(frames * (FRAME + 4));
        assertThat(m.bytesRead()).isEqualTo(frames * (FRAME + 4));
        int buffer = f.config().bufferSize();
        // One buffer each way plus the frame handed out.
        long bound = 2L * buffer + FRAME;
        assertThat(m.maxBufferedBytes()).isLessThanOrEqualTo(bound);
        if (checkHeap) {
          // And the heap itself stays flat while the gigabyte streams through.
          assertThat(heap[2] - heap[0]).as("heap growth from 10%% to 90%%: %s", Arrays.toString(heap))
              .isLessThan(32L << 20);
        }
      }
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
