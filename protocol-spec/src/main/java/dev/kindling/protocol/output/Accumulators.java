package dev.kindling.protocol.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** The accumulator updates, each a pickled {@code (id, update)} pair (WRK-6.4). */
public record Accumulators(List<byte[]> updates) implements WorkerOutputEvent {
  public Accumulators {
    updates = Collections.unmodifiableList(new ArrayList<>(updates));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Accumulators && WorkerOutput.sameBytes(updates, ((Accumulators) o).updates);
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (byte[] b : updates) {
      h = 31 * h + Arrays.hashCode(b);
    }
    return h;
  }

  @Override
  public String toString() {
    return "Accumulators[" + updates.size() + " updates]";
  }
}
