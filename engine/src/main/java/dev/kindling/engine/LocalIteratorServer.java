package dev.kindling.engine;

import dev.kindling.protocol.frame.FrameWriter;
import dev.kindling.protocol.frame.SpecialLength;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
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
final class LocalIteratorServer {
  private LocalIteratorServer() {}

  static Void serve(InputStream in, OutputStream out, int numPartitions, IntFunction<List<Object>> partition)
      throws IOException {
    DataInputStream din = new DataInputStream(in);
    DataOutputStream dout = new DataOutputStream(out);
    int next = 0;
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
        records = partition.apply(next++);
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
}
