package dev.kindling.tck.runner;

import dev.kindling.protocol.spec.RuleIds;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tests an implementation is known to fail, after protobuf's conformance {@code --failure_list}:
 * one name per line; {@code #} at the start of a line or after a space starts a comment. A name is
 * a test ({@code WorkerTck.required_WRK_6_2_x}, the bare method name, or
 * {@code fully.qualified.Class#method}) or a rule id ({@code WRK-6.2}, matching every test of that
 * rule).
 *
 * <p>The list must shrink: the run fails when a listed test passes, and when a listed name
 * matches no test at all.
 */
public final class KnownFailures {
  /** One line of the file. */
  public record Entry(String name, String source, int line) {
    /** Where the entry was written, e.g. {@code known.txt:3}. */
    public String location() {
      return source + ":" + line;
    }

    boolean matches(TestOutcome o) {
      if (RuleIds.isValid(name)) {
        return o.ruleIds().contains(name);
      }
      return name.equals(o.testName())
          || name.equals(o.qualifiedName())
          || name.equals(o.className() + "." + o.testName())
          || name.equals(o.className() + "#" + o.testName());
    }
  }

  private final List<Entry> entries;

  private KnownFailures(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public static KnownFailures none() {
    return new KnownFailures(List.of());
  }

  public static KnownFailures read(Path file) throws IOException {
    return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  public static KnownFailures parse(String source, String text) {
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\\R", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String name = stripComment(line).strip();
      if (name.isEmpty()) {
        continue;
      }
      if (name.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException(
            source + ":" + (i + 1) + ": one test or rule name per line, got '" + name + "'");
      }
      entries.add(new Entry(name, source, i + 1));
    }
    return new KnownFailures(entries);
  }

  /** A comment starts at a {@code #} that begins the line or follows whitespace ({@code Class#method} is a name). */
  private static String stripComment(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The first entry matching {@code outcome}, or null. */
  Entry match(TestOutcome outcome) {
    for (Entry e : entries) {
      if (e.matches(outcome)) {
        return e;
      }
    }
    return null;
  }
}
