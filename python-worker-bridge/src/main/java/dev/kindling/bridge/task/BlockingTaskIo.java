package dev.kindling.bridge.task;

import dev.kindling.bridge.launch.PythonWorker;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Blocking sockets with a writer thread, as Spark 3.5 does: the task thread reads the output,
 * a pooled writer thread writes the header and input. Memory is bounded by construction: one
 * {@code spark.buffer.size} buffer each way plus the frame being handed out. Implements WRK-5.6.
 */
public final class BlockingTaskIo implements TaskIo {
  private static final ExecutorService WRITERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kindling-python-writer");
    t.setDaemon(true);
    return t;
  });

  private final PythonWorker worker;
  private final int bufferSize;
  private final InputStream output;
  private final CountDownLatch writerDone = new CountDownLatch(1);
  private volatile Throwable writerFailure;

  public BlockingTaskIo(PythonWorker worker, int bufferSize) throws IOException {
    this.worker = worker;
    this.bufferSize = bufferSize;
    this.output = new BufferedInputStream(worker.channel.socket().getInputStream(), bufferSize);
  }

  @Override
  public InputStream output() {
    return output;
  }

  @Override
  public void startWriting(TaskInput input) {
    WRITERS.execute(() -> {
      try {
        DataOutputStream out = new DataOutputStream(
            new BufferedOutputStream(worker.channel.socket().getOutputStream(), bufferSize));
        input.writeSome(out, Long.MAX_VALUE);
        out.flush();
      } catch (Throwable t) {
        writerFailure = t;
        if (!(t instanceof IOException)) {
          // The input failed, not the socket: let the worker see the end of its input.
          try {
            worker.channel.shutdownOutput();
          } catch (IOException e) {
            t.addSuppressed(e);
          }
        }
      } finally {
        writerDone.countDown();
      }
    });
  }

  @Override
  public Throwable writerFailure() {
    return writerFailure;
  }

  @Override
  public boolean awaitWriter(long millis) {
    try {
      return writerDone.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public long maxBufferedBytes(long largestFrameRead) {
    return 2L * bufferSize + largestFrameRead;
  }
}
