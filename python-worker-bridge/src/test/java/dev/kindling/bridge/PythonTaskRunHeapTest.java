package dev.kindling.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Limits;
import dev.kindling.bridge.launch.PythonWorker;
import dev.kindling.bridge.task.BroadcastDiff;
import dev.kindling.bridge.task.TaskInput;
import dev.kindling.bridge.task.TaskIo;
import dev.kindling.protocol.Profile;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;

/**
 * A record of the worker's output that is within the frame limit but not within the heap (a 300 MB
 * line sent back whole under a 64 MiB heap, issue 17 item 5) fails the task with an error naming
 * the heap and the setting to raise, not a bare "Java heap space", and the worker is not reused.
 */
@ScaledTimeout(30)
class PythonTaskRunHeapTest {
  /** The worker's output: a data frame header of 200 MB, then the heap runs out reading its body. */
  private static final class OutOfHeapOutput extends InputStream {
    private final byte[] header = {0x0b, (byte) 0xeb, (byte) 0xc2, 0x00};
    private int at;

    @Override
    public int read() {
      if (at < header.length) {
        return header[at++] & 0xff;
      }
      throw new OutOfMemoryError("Java heap space");
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (at < header.length) {
        int n = Math.min(len, header.length - at);
        System.arraycopy(header, at, b, off, n);
        at += n;
        return n;
      }
      throw new OutOfMemoryError("Java heap space");
    }
  }

  @Test
  void aWorkerRecordTheHeapCannotHoldFailsTheTaskNamingTheHeapAndTheSetting() throws Exception {
    try (ServerSocketChannel server = ServerSocketChannel.open();
        WorkerFactory factory = Testkit.factory(Testkit.conf())) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      PythonWorker worker = new PythonWorker(SocketChannel.open(server.getLocalAddress()), 4242, null, null, null);
      TaskIo io = new TaskIo() {
        @Override
        public InputStream output() {
          return new OutOfHeapOutput();
        }

        @Override
        public void startWriting(TaskInput input) {}

        @Override
        public Throwable writerFailure() {
          return null;
        }

        @Override
        public boolean awaitWriter(long millis) {
          return true;
        }

        @Override
        public long maxBufferedBytes(long largestFrameRead) {
          return 0;
        }
      };
      TaskInput input = new TaskInput(Profile.SPARK_4_2, Testkit.spec("echo").build(),
          BroadcastDiff.between(new HashSet<>(), Map.of()), Collections.emptyIterator());
      PythonTaskRun run = new PythonTaskRun(factory, worker, io, input, Profile.SPARK_4_2, Limits.defaults(), true,
          System.currentTimeMillis());
      assertThatThrownBy(run::hasNext)
          .isInstanceOf(PythonWorkerException.class)
          .hasMessageContaining("a record of the Python worker's output (worker pid 4242) does not fit in the JVM heap")
          .hasMessageContaining("spark.driver.memory")
          .hasMessageContaining("WRK-5.4")
          .hasCauseInstanceOf(OutOfMemoryError.class);
      assertThat(worker.killed()).isTrue();
    }
  }
}
