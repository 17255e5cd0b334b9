package dev.kindling.engine.serve;

import dev.kindling.engine.EngineException;
import dev.kindling.engine.io.WireFormat;
import dev.kindling.protocol.frame.FrameWriter;
import dev.kindling.protocol.frame.SpecialLength;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;

/**
 * PySpark's toLocalIterator exchange, after authentication. Implements WRK-9.3.
 *
 * <pre>
 *   client                      server
 *     | -- i32 1 (next) ------>  |
 *     | <-- i32 1 | elements... | i32 -1     a partition (WRK-9.2 element encodings)
 *     | <-- i32 0                            no more partitions; then close
 *     | <-- i32 -1                           computing the partition failed; then close, and
 *                                            the ServeHandle's result rethrows (Spark sends no
 *                                            message: its client never reads one)
 *     | -- i32 0 (stop) ------>  |           server closes without replying
 * </pre>
 *
 * Each partition is computed by its own job only when asked for, so a client that stops early
 * never pays for the rest.
 */
public final class LocalIteratorServer {
  private LocalIteratorServer() {}

  public static Void serve(InputStream in, OutputStream out, int numPartitions, IntFunction<List<Object>> partition)
      throws IOException {
    return serve(in, out, numPartitions, partition, false);
  }

  /**
   * With {@code prefetch} (PySpark's {@code prefetchPartitions=True}), asking for partition i
   * also starts the job of partition i+1, on its own thread (inheriting the caller's local
   * properties), as Spark's PythonRDD submits the next partition's job before it waits for the
   * current one; a client that stops early leaves that one job to finish unread.
   */
  public static Void serve(InputStream in, OutputStream out, int numPartitions, IntFunction<List<Object>> partition,
      boolean prefetch) throws IOException {
    DataInputStream din = new DataInputStream(in);
    DataOutputStream dout = new DataOutputStream(out);
    int next = 0;
    CompletableFuture<List<Object>> ahead = null;
    while (true) {
      int request = din.readInt();
      if (request == 0) {
        return null;
      }
      if (request != 1 || next >= numPartitions) {
        dout.writeInt(0);
        dout.flush();
        return null;
      }
      List<Object> records;
      try {
        CompletableFuture<List<Object>> current = ahead;
        int p = next++;
        ahead = prefetch && next < numPartitions ? start(partition, next) : null;
        records = current != null ? await(current) : partition.apply(p);
      } catch (RuntimeException e) {
        dout.writeInt(-1);
        dout.flush();
        throw e;
      }
      dout.writeInt(1);
      FrameWriter frames = new FrameWriter(dout);
      WireFormat.writeAll(frames, records.iterator());
      frames.writeSpecial(SpecialLength.END_OF_DATA_SECTION);
      frames.flush();
    }
  }

  private static CompletableFuture<List<Object>> start(IntFunction<List<Object>> partition, int p) {
    CompletableFuture<List<Object>> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(partition.apply(p));
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "toLocalIterator-prefetch-" + p);
    t.setDaemon(true);
    t.start();
    return f;
  }

  private static List<Object> await(CompletableFuture<List<Object>> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted while waiting for a prefetched partition", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new EngineException(c.getMessage(), c);
    }
  }
}
