package dev.kindling.engine.shuffle;

import java.nio.file.Path;

/** Where one map task's output is: its data file, its index file, and the bytes per reducer. */
public record MapStatus(Path dataFile, Path indexFile, long[] partitionLengths) {
  long totalBytes() {
    long t = 0;
    for (long l : partitionLengths) {
      t += l;
    }
    return t;
  }
}
