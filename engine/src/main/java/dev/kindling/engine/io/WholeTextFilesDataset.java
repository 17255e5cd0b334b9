package dev.kindling.engine.io;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.StringPair;
import dev.kindling.engine.TaskContext;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.dataset.Dependency;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * One {@link StringPair} per file: its {@code file:} path and its whole UTF-8 content. Files are
 * packed, in order, into partitions of about total / minPartitions bytes, as Spark's
 * CombineFileInputFormat roughly does for local files.
 */
final class WholeTextFilesDataset extends Dataset {
  /** A Java String cannot hold more; Spark fails on such files too. */
  private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;

  private final List<List<Path>> groups;

  WholeTextFilesDataset(Engine engine, List<Path> files, int minPartitions) throws IOException {
    super(engine);
    long total = 0;
    for (Path f : files) {
      total += Files.size(f);
    }
    long target = Math.max(1, (total + Math.max(minPartitions, 1) - 1) / Math.max(minPartitions, 1));
    List<List<Path>> out = new ArrayList<>();
    List<Path> current = new ArrayList<>();
    long size = 0;
    for (Path f : files) {
      current.add(f);
      size += Files.size(f);
      if (size >= target) {
        out.add(current);
        current = new ArrayList<>();
        size = 0;
      }
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    this.groups = List.copyOf(out);
  }

  @Override
  public String elementKind() {
    return "stringPair";
  }

  @Override
  public int numPartitions() {
    return groups.size();
  }

  @Override
  public List<Dependency> dependencies() {
    return List.of();
  }

  @Override
  public Iterator<Object> compute(int p, TaskContext ctx) {
    Iterator<Path> files = groups.get(p).iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return files.hasNext();
      }

      @Override
      public Object next() {
        if (!files.hasNext()) {
          throw new NoSuchElementException();
        }
        Path f = files.next();
        try {
          StringPair pair = new StringPair("file:" + f.toAbsolutePath(), read(f));
          ctx.metrics().addInput(1, Files.size(f));
          return pair;
        } catch (IOException e) {
          throw new EngineException("wholeTextFiles: cannot read " + f + ": " + e.getMessage(), e);
        }
      }
    };
  }

  private static String read(Path f) throws IOException {
    if (Files.size(f) > MAX_FILE_BYTES) {
      throw new IOException("file is larger than " + MAX_FILE_BYTES + " bytes");
    }
    if (!f.getFileName().toString().endsWith(".gz")) {
      return Files.readString(f, StandardCharsets.UTF_8);
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(f))) {
      byte[] b = in.readNBytes((int) MAX_FILE_BYTES);
      if (in.read() >= 0) {
        throw new IOException("decompressed content is larger than " + MAX_FILE_BYTES + " bytes");
      }
      return new String(b, StandardCharsets.UTF_8);
    }
  }
}
