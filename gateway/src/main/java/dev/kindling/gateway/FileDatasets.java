package dev.kindling.gateway;

import dev.kindling.engine.Engine;
import dev.kindling.engine.PartitionFunction;
import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.frame.FrameReader;
import dev.kindling.protocol.frame.FrameWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;

/**
 * The file-based sources and sinks the engine does not have: {@code wholeTextFiles} and the
 * pickle-file pair. Built from engine primitives (a dataset of paths, mapped per partition).
 *
 * <pre>
 *   saveAsPickleFile layout:   path/part-00000 ... part-NNNNN   frames: (i32 BE n | n bytes)*
 *                                                               (protocol-spec's FrameWriter/FrameReader)
 *                              path/_SUCCESS                    written last (commit)
 *   task attempts write path/_temporary/part-N.attempt-T and rename it into place
 * </pre>
 */
final class FileDatasets {
  /** Largest frame a pickle file may hold (WRK-5.4's bound). */
  static final int MAX_FRAME_BYTES = dev.kindling.protocol.ProtocolConstants.Limits.MAX_FRAME_BYTES;

  private static final Limits LIMITS = Limits.defaults().toBuilder().maxFrameBytes(MAX_FRAME_BYTES).build();

  private FileDatasets() {}

  /** Files named by a path, a directory (its visible files), a glob, or a comma-separated list. */
  static List<Path> listFiles(String spec) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String part : spec.split(",")) {
      String p = part.trim();
      if (p.startsWith("file:")) {
        p = p.substring("file:".length()).replaceFirst("^//", "");
      }
      if (p.isEmpty()) {
        continue;
      }
      if (p.contains("*") || p.contains("?") || p.contains("[") || p.contains("{")) {
        out.addAll(glob(p));
        continue;
      }
      Path path = Path.of(p).toAbsolutePath();
      if (Files.isDirectory(path)) {
        try (Stream<Path> s = Files.list(path)) {
          s.filter(Files::isRegularFile).filter(FileDatasets::visible).sorted().forEach(out::add);
        }
      } else if (Files.isRegularFile(path)) {
        out.add(path);
      } else {
        throw new IOException("Input path does not exist: " + path);
      }
    }
    return out;
  }

  private static List<Path> glob(String pattern) throws IOException {
    Path abs = Path.of(pattern.replaceAll("[*?\\[{].*$", "x")).toAbsolutePath();
    Path base = abs.getParent();
    String full = Path.of(pattern).isAbsolute() ? pattern : Path.of("").toAbsolutePath() + "/" + pattern;
    PathMatcher m = base.getFileSystem().getPathMatcher("glob:" + full);
    int depth = Path.of(full).getNameCount() - base.getNameCount();
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(base)) {
      throw new IOException("Input Pattern " + pattern + " matches 0 files");
    }
    try (Stream<Path> s = Files.walk(base, depth)) {
      s.filter(m::matches).filter(Files::isRegularFile).sorted().forEach(out::add);
    }
    if (out.isEmpty()) {
      throw new IOException("Input Pattern " + pattern + " matches 0 files");
    }
    return out;
  }

  private static boolean visible(Path p) {
    String n = p.getFileName().toString();
    return !n.startsWith(".") && !n.startsWith("_");
  }

  /** (path, content) pairs written key then value: two strings per file, "file:" URIs as keys. */
  static dev.kindling.engine.Dataset wholeTextFiles(Engine engine, String spec, int minPartitions)
      throws IOException {
    List<String> files = new ArrayList<>();
    for (Path p : listFiles(spec)) {
      files.add(p.toString());
    }
    int slices = Math.max(1, Math.min(Math.max(1, minPartitions), Math.max(1, files.size())));
    PartitionFunction read = (ctx, input) -> new Iterator<>() {
      private String pendingValue;

      @Override
      public boolean hasNext() {
        return pendingValue != null || input.hasNext();
      }

      @Override
      public Object next() {
        if (pendingValue != null) {
          String v = pendingValue;
          pendingValue = null;
          return v;
        }
        Path p = Path.of((String) input.next());
        try {
          pendingValue = Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + p, e);
        }
        return "file:" + p;
      }
    };
    return engine.parallelize(files, slices).mapPartitions(read, false);
  }

  /** Frames of the part files written by {@link #saveAsPickleFile}, one partition per part file. */
  static dev.kindling.engine.Dataset pickleFile(Engine engine, String dir, int minPartitions)
      throws IOException {
    Path root = Path.of(dir).toAbsolutePath();
    if (!Files.isDirectory(root)) {
      throw new IOException("Input path does not exist: " + root);
    }
    List<String> parts;
    try (Stream<Path> s = Files.list(root)) {
      parts = s.filter(p -> p.getFileName().toString().startsWith("part-"))
          .sorted().map(Path::toString).toList();
    }
    if (parts.isEmpty()) {
      return engine.union(List.of());
    }
    PartitionFunction read = (ctx, input) -> {
      FrameFilesIterator it = new FrameFilesIterator(input);
      ctx.onCompletion(it::close);
      return it;
    };
    return engine.parallelize(parts, parts.size()).mapPartitions(read, false);
  }

  static void saveAsPickleFile(dev.kindling.engine.Dataset ds, String dir) throws IOException {
    Path root = Path.of(dir).toAbsolutePath();
    if (Files.exists(root)) {
      throw new FileAlreadyExistsException("Output directory " + root + " already exists");
    }
    Path temp = root.resolve("_temporary");
    Files.createDirectories(temp);
    PartitionFunction write = (ctx, input) -> {
      Path attempt = temp.resolve(String.format("part-%05d.attempt-%d", ctx.partitionId(), ctx.taskAttemptId()));
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(attempt), 1 << 16)) {
        FrameWriter out = new FrameWriter(os);
        while (input.hasNext()) {
          Object o = input.next();
          if (o instanceof byte[] bytes) {
            out.writeData(bytes);
          } else {
            out.writeUtf(String.valueOf(o));
          }
        }
        out.flush();
      }
      Path target = root.resolve(String.format("part-%05d", ctx.partitionId()));
      try {
        Files.move(attempt, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException e) {
        Files.deleteIfExists(attempt);
      }
      return Collections.emptyIterator();
    };
    ds.mapPartitions(write, false).count();
    deleteTree(temp);
    Files.createFile(root.resolve("_SUCCESS"));
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Collections.reverseOrder()).forEach(q -> {
        try {
          Files.deleteIfExists(q);
        } catch (IOException ignored) {
          // Best effort: a leftover file must not hide the real outcome.
        }
      });
    } catch (IOException ignored) {
      // As above.
    }
  }

  /** Reads the frames of each path the input names, one file after the other. */
  private static final class FrameFilesIterator implements Iterator<Object> {
    private final Iterator<Object> paths;
    private InputStream current;
    private FrameReader frames;
    private String currentName;
    private int index;
    private byte[] next;

    FrameFilesIterator(Iterator<Object> paths) {
      this.paths = paths;
    }

    @Override
    public boolean hasNext() {
      try {
        while (next == null) {
          if (current == null) {
            if (!paths.hasNext()) {
              return false;
            }
            currentName = (String) paths.next();
            current = new BufferedInputStream(Files.newInputStream(Path.of(currentName)), 1 << 16);
            frames = new FrameReader(current, LIMITS);
            index = 0;
          }
          try {
            next = frames.readDataFrame("WRK-9.4");
          } catch (ProtocolException e) {
            throw new IOException(currentName + ": frame " + index + ": " + e.getMessage(), e);
          }
          index++;
          if (next == null) {
            close();
          }
        }
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void close() {
      if (current != null) {
        try {
          current.close();
        } catch (IOException ignored) {
          // Reading is over either way.
        }
        current = null;
      }
    }

    @Override
    public Object next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      byte[] b = next;
      next = null;
      return b;
    }
  }
}
