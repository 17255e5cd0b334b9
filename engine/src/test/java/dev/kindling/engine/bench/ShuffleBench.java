package dev.kindling.engine.bench;

import dev.kindling.engine.Engine;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.PartitionFunction;
import dev.kindling.engine.conf.EngineConf;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.status.EngineEvent;
import dev.kindling.protocol.TimeFactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Shuffle throughput: map tasks generate keyed records, the shuffle writes and reads them, the
 * reduce side counts them. Prints records/s and payload MB/s for 100 B and 10 KiB records, with a
 * buffer large enough to stay in memory and with a small one that forces spills.
 *
 * <p>Run with {@code bench/engine/run.sh}. Not a unit test: figures depend on the machine.
 */
public final class ShuffleBench {
  private static final int MAPS = 4;
  private static final int REDUCERS = 8;
  private static final int ROUNDS = 3;

  public static void main(String[] args) throws Exception {
    long totalBytes = args.length > 0 ? Long.parseLong(args[0]) : 256L << 20;
    System.out.printf(Locale.ROOT, "shuffle benchmark: %d maps -> %d reducers, %d MB payload per run, %d cores, best of %d%n",
        MAPS, REDUCERS, totalBytes >> 20, Runtime.getRuntime().availableProcessors(), ROUNDS);
    System.out.printf(Locale.ROOT, "%-8s %-9s %12s %10s %10s %8s%n", "record", "mode", "records", "rec/s", "MB/s", "spills");
    for (int size : new int[] {100, 10 * 1024}) {
      run(size, "memory", 1L << 30, totalBytes);
      run(size, "spilling", 4L << 20, totalBytes);
    }
  }

  private static void run(int recordBytes, String mode, long spillThreshold, long totalBytes) throws Exception {
    long records = totalBytes / recordBytes;
    int perMap = (int) (records / MAPS);
    Path dir = Files.createTempDirectory("kindling-bench");
    Map<String, String> settings = Map.of("spark.master", "local[*]", "spark.local.dir", dir.toString(),
        "kindling.shuffle.spillThresholdBytes", Long.toString(spillThreshold));
    double[] seconds = new double[ROUNDS];
    AtomicLong spills = new AtomicLong();
    try (Engine engine = new Engine(new EngineConf(settings))) {
      engine.addListener(e -> {
        if (e instanceof EngineEvent.TaskEnd t) {
          spills.addAndGet(t.metrics().spillCount());
        }
      });
      runOnce(engine, perMap, recordBytes); // warm-up
      spills.set(0);
      for (int r = 0; r < ROUNDS; r++) {
        long t0 = System.nanoTime();
        long n = runOnce(engine, perMap, recordBytes);
        seconds[r] = (System.nanoTime() - t0) / 1e9;
        if (n != (long) perMap * MAPS) {
          throw new IllegalStateException("lost records: " + n);
        }
      }
      engine.awaitEventsDelivered(TimeFactor.scale(java.time.Duration.ofSeconds(10)));
    } finally {
      if (Files.exists(dir)) {
        try (var s = Files.walk(dir)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
    double best = Arrays.stream(seconds).min().orElseThrow();
    long n = (long) perMap * MAPS;
    System.out.printf(Locale.ROOT, "%-8s %-9s %12d %10.0f %10.1f %8d%n", recordBytes >= 1024 ? recordBytes / 1024 + "KiB" : recordBytes + "B",
        mode, n, n / best, n * (double) recordBytes / best / 1e6, spills.get() / ROUNDS);
  }

  private static long runOnce(Engine engine, int perMap, int recordBytes) {
    Dataset shuffled = engine.range(0, MAPS, 1, MAPS).mapPartitions(generator(perMap, recordBytes), false)
        .partitionBy(REDUCERS, 0);
    return shuffled.count();
  }

  private static PartitionFunction generator(int perMap, int recordBytes) {
    return (ctx, in) -> {
      SplittableRandom rnd = new SplittableRandom(ctx.partitionId());
      byte[] template = new byte[recordBytes];
      rnd.nextBytes(template);
      return new Iterator<Object>() {
        int i;

        @Override
        public boolean hasNext() {
          return i < perMap;
        }

        @Override
        public Object next() {
          if (i++ >= perMap) {
            throw new NoSuchElementException();
          }
          // A fresh array per record, as a deserialized Python frame would be.
          return new KeyedRecord(rnd.nextLong(), template.clone());
        }
      };
    };
  }
}
