package dev.kindling.engine.scheduler;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TaskContext;
import dev.kindling.engine.dataset.ChainedIterator;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.io.FileOutputCommitter;
import dev.kindling.engine.io.WireFormat;
import dev.kindling.engine.serve.LocalIteratorServer;
import dev.kindling.engine.serve.OneShotServer;
import dev.kindling.engine.serve.ServeHandle;
import dev.kindling.protocol.frame.FrameWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

/** The actions: each turns a dataset into one or more jobs and shapes their results. */
public final class Actions {
  private final Engine engine;

  public Actions(Engine engine) {
    this.engine = engine;
  }

  public List<List<Object>> runJob(Dataset ds, int[] partitions) {
    List<List<Object>> results = new ArrayList<>(Collections.nCopies(partitions.length, null));
    engine.scheduler().runJob(ds, partitions, Actions::drain, results::set);
    return results;
  }

  public List<Object> collect(Dataset ds) {
    List<Object> out = new ArrayList<>();
    runJob(ds, allPartitions(ds)).forEach(out::addAll);
    return out;
  }

  public long count(Dataset ds) {
    long[] total = new long[1];
    engine.scheduler().<Long>runJob(ds, allPartitions(ds), (it, ctx) -> {
      long n = 0;
      while (it.hasNext()) {
        it.next();
        if ((++n & 1023) == 0) {
          ctx.checkKilled();
        }
      }
      return n;
    }, (i, n) -> total[0] += n);
    return total[0];
  }

  /**
   * Spark's RDD.take: scan one partition, then grow the number of partitions tried by at most
   * scaleUpFactor each round, estimating from the rows found so far.
   */
  public List<Object> take(Dataset ds, int num) {
    List<Object> buf = new ArrayList<>();
    int total = ds.numPartitions();
    int scaleUp = engine.conf().scaleUpFactor();
    int scanned = 0;
    while (buf.size() < num && scanned < total) {
      long toTry = 1;
      int left = num - buf.size();
      if (scanned > 0) {
        if (buf.isEmpty()) {
          toTry = (long) scanned * scaleUp;
        } else {
          toTry = (long) Math.ceil(1.5 * left * scanned / buf.size());
          toTry = Math.min(toTry, (long) scanned * scaleUp);
        }
      }
      int end = (int) Math.min(scanned + toTry, total);
      int[] parts = IntStream.range(scanned, end).toArray();
      List<List<Object>> res = new ArrayList<>(Collections.nCopies(parts.length, null));
      engine.scheduler().<List<Object>>runJob(ds, parts, (it, ctx) -> {
        List<Object> out = new ArrayList<>();
        while (out.size() < left && it.hasNext()) {
          out.add(it.next());
        }
        return out;
      }, res::set);
      for (List<Object> r : res) {
        for (Object o : r) {
          if (buf.size() < num) {
            buf.add(o);
          }
        }
      }
      scanned += parts.length;
    }
    return buf;
  }

  public Iterator<Object> toLocalIterator(Dataset ds) {
    return new ChainedIterator(ds.numPartitions(), i -> runJob(ds, new int[] {i}).get(0).iterator(),
        "toLocalIterator: running a partition failed");
  }

  public ServeHandle<Void> serveCollect(Dataset ds) {
    return serveList(collect(ds), "collect");
  }

  public ServeHandle<Void> serveRunJob(Dataset ds, int[] partitions) {
    List<Object> flat = new ArrayList<>();
    runJob(ds, partitions).forEach(flat::addAll);
    return serveList(flat, "runJob");
  }

  private ServeHandle<Void> serveList(List<Object> records, String name) {
    try {
      return OneShotServer.start(name, engine.conf(), engine.openSockets(), (in, out, socket) -> {
        FrameWriter frames = new FrameWriter(out);
        WireFormat.writeAll(frames, records.iterator());
        frames.flush();
        return null;
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a server for " + name, e);
    }
  }

  public ServeHandle<Void> serveToLocalIterator(Dataset ds) {
    return serveToLocalIterator(ds, false);
  }

  public ServeHandle<Void> serveToLocalIterator(Dataset ds, boolean prefetch) {
    try {
      return OneShotServer.start("toLocalIterator", engine.conf(), engine.openSockets(),
          (in, out, socket) -> LocalIteratorServer.serve(in, out, ds.numPartitions(),
              p -> runJob(ds, new int[] {p}).get(0), prefetch));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a server for toLocalIterator", e);
    }
  }

  public void saveAsTextFile(Dataset ds, String path, String codec) {
    save(ds, FileOutputCommitter.text(Path.of(path), codec));
  }

  public void saveAsFrameFile(Dataset ds, String path) {
    save(ds, FileOutputCommitter.frames(Path.of(path)));
  }

  private void save(Dataset ds, FileOutputCommitter committer) {
    committer.setupJob();
    boolean ok = false;
    try {
      engine.scheduler().<Object>runJob(ds, allPartitions(ds), committer::writeAndCommitTask, (i, r) -> {});
      committer.commitJob();
      ok = true;
    } finally {
      if (!ok) {
        committer.abortJob();
      }
    }
  }

  public static int[] allPartitions(Dataset ds) {
    return IntStream.range(0, ds.numPartitions()).toArray();
  }

  private static List<Object> drain(Iterator<Object> it, TaskContext ctx) {
    List<Object> out = new ArrayList<>();
    while (it.hasNext()) {
      out.add(it.next());
      if ((out.size() & 1023) == 0) {
        ctx.checkKilled();
      }
    }
    ctx.metrics().resultRecords.addAndGet(out.size());
    return out;
  }
}
