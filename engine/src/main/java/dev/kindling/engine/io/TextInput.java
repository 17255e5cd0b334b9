package dev.kindling.engine.io;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Hadoop's FileInputFormat for local files: path expansion and split computation. */
final class TextInput {
  /** Hadoop's local file system block size; a split never exceeds it. */
  static final long BLOCK_SIZE = 32L << 20;
  /** Hadoop lets the last split be up to 10% larger rather than leave a sliver. */
  private static final double SPLIT_SLOP = 1.1;

  /** One byte range of one file; a gzip file is always a single whole-file split. */
  record Split(Path file, long start, long length, boolean gzip) {}

  private TextInput() {}

  /** Expands comma-separated files, directories (their visible files) and globs, sorted. */
  static List<Path> listFiles(String spec) throws IOException {
    List<Path> out = new ArrayList<>();
    for (String part : splitOutsideBraces(spec)) {
      String p = part.trim();
      if (p.startsWith("file:")) {
        p = p.substring("file:".length()).replaceFirst("^//", "");
      }
      if (p.isEmpty()) {
        // Hadoop's Path refuses it, so a spec that is empty or has an empty entry fails.
        throw new IllegalArgumentException("Can not create a Path from an empty string");
      }
      // Like Hadoop's input filter, a glob never yields hidden files (names starting with _ or .).
      List<Path> matches = isGlob(p) ? glob(p).stream().filter(TextInput::visible).toList() : List.of(Path.of(p));
      if (matches.isEmpty()) {
        throw new IOException("Input Pattern file:" + Path.of(p).toAbsolutePath() + " matches 0 files");
      }
      for (Path m : matches) {
        if (Files.isDirectory(m)) {
          try (Stream<Path> s = Files.list(m)) {
            s.filter(f -> Files.isRegularFile(f) && visible(f)).sorted().forEach(out::add);
          }
        } else if (Files.isRegularFile(m)) {
          out.add(m);
        } else {
          throw new IOException("Input path does not exist: file:" + m.toAbsolutePath());
        }
      }
    }
    return out;
  }

  static List<Split> splits(List<Path> files, int minPartitions) throws IOException {
    long total = 0;
    for (Path f : files) {
      total += Files.size(f);
    }
    long goal = total / Math.max(minPartitions, 1);
    long splitSize = Math.max(1, Math.min(goal, BLOCK_SIZE));
    List<Split> out = new ArrayList<>();
    for (Path f : files) {
      long length = Files.size(f);
      boolean gzip = f.getFileName().toString().endsWith(".gz");
      if (length == 0 || gzip) {
        out.add(new Split(f, 0, length, gzip));
        continue;
      }
      long remaining = length;
      while ((double) remaining / splitSize > SPLIT_SLOP) {
        out.add(new Split(f, length - remaining, splitSize, false));
        remaining -= splitSize;
      }
      if (remaining != 0) {
        out.add(new Split(f, length - remaining, remaining, false));
      }
    }
    return out;
  }

  /** Hadoop's rule: commas separate paths, except inside a {a,b} glob alternative. */
  static List<String> splitOutsideBraces(String spec) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (c == '{') {
        depth++;
      } else if (c == '}' && depth > 0) {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(spec.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(spec.substring(start));
    return parts;
  }

  private static boolean visible(Path f) {
    String n = f.getFileName().toString();
    return !n.startsWith("_") && !n.startsWith(".");
  }

  private static boolean isGlob(String p) {
    return p.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  private static List<Path> glob(String pattern) throws IOException {
    Path abs = Path.of(pattern).toAbsolutePath().normalize();
    // Walk from the deepest directory that has no glob characters in it.
    Path base = abs.getRoot();
    int depth = 0;
    boolean globbing = false;
    for (Path seg : abs) {
      if (!globbing && !isGlob(seg.toString())) {
        base = base.resolve(seg);
      } else {
        globbing = true;
        depth++;
      }
    }
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + abs);
    int d = depth;
    Path b = base;
    try (Stream<Path> s = Files.walk(base, depth)) {
      return s.filter(x -> b.relativize(x).getNameCount() == d && m.matches(x)).sorted().toList();
    }
  }
}
