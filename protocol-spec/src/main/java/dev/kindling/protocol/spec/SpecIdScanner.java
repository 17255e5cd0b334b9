package dev.kindling.protocol.spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the rule ids that tests claim to check, in source text:
 *
 * <ul>
 *   <li>Java: {@code void WRK_6_2_xxx(}, {@code void required_WRK_6_2_xxx(} (also {@code stochastic_}, {@code optional_})
 *       and {@code @SpecRule("WRK-6.2")} / {@code @SpecRule({"A-1", "B-2"})}. An {@code untested_}
 *       method is a placeholder that checks nothing, so it does not count;
 *   <li>Python: {@code def test_WRK_6_2_xxx(} and {@code @pytest.mark.spec("WRK-6.2")}.
 * </ul>
 *
 * Build output, virtual environments and VCS directories are skipped. Missing roots are ignored,
 * so a module can name {@code src/test/java} and {@code python/tests} whether or not both exist.
 */
public final class SpecIdScanner {
  private static final Pattern JAVA_METHOD =
      Pattern.compile("\\bvoid\\s+(?:(?:required|stochastic|optional)_)?([A-Z]+(?:_\\d+)+)(?=_[^0-9]|\\s*\\()");
  private static final Pattern JAVA_ANNOTATION =
      Pattern.compile("@(?:[\\w.]+\\.)?SpecRule\\s*\\(([^)]*)\\)");
  private static final Pattern PY_FUNCTION =
      Pattern.compile("\\bdef\\s+test_([A-Z]+(?:_\\d+)+)(?=_[^0-9]|\\s*\\()");
  private static final Pattern PY_MARK = Pattern.compile("@pytest\\.mark\\.spec\\s*\\(([^)]*)\\)");
  private static final Pattern JAVA_STRING = Pattern.compile("\"([^\"\\\\]*)\"");
  private static final Pattern PY_STRING = Pattern.compile("\"([^\"\\\\]*)\"|'([^'\\\\]*)'");
  private static final Set<String> SKIPPED_DIRS =
      Set.of("target", "build", ".git", ".venv", "node_modules", "__pycache__", ".pytest_cache", ".hypothesis");

  private SpecIdScanner() {}

  /**
   * Scans {@code *.java} and {@code *.py} files under {@code roots}; returns each id found with its
   * locations ({@code path:line}), ids in {@link RuleIds#ORDER}.
   */
  public static SortedMap<String, List<String>> scan(Collection<Path> roots) throws IOException {
    SortedMap<String, List<String>> found = new TreeMap<>(RuleIds.ORDER);
    for (Path root : roots) {
      if (!Files.exists(root)) {
        continue;
      }
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              return !dir.equals(root) && SKIPPED_DIRS.contains(String.valueOf(dir.getFileName()))
                  ? FileVisitResult.SKIP_SUBTREE
                  : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              String name = file.getFileName().toString();
              if (name.endsWith(".java")) {
                scanJava(file.toString(), Files.readString(file, StandardCharsets.UTF_8), found);
              } else if (name.endsWith(".py")) {
                scanPython(file.toString(), Files.readString(file, StandardCharsets.UTF_8), found);
              }
              return FileVisitResult.CONTINUE;
            }
          });
    }
    for (List<String> where : found.values()) {
      Collections.sort(where);
    }
    return found;
  }

  static void scanJava(String file, String source, SortedMap<String, List<String>> found) {
    identifiers(file, source, JAVA_METHOD, found);
    literals(file, source, JAVA_ANNOTATION, JAVA_STRING, found);
  }

  static void scanPython(String file, String source, SortedMap<String, List<String>> found) {
    identifiers(file, source, PY_FUNCTION, found);
    literals(file, source, PY_MARK, PY_STRING, found);
  }

  private static void identifiers(
      String file, String source, Pattern pattern, SortedMap<String, List<String>> found) {
    Matcher m = pattern.matcher(source);
    while (m.find()) {
      record(found, RuleIds.fromIdentifier(m.group(1)), file, source, m.start(1));
    }
  }

  /** Ids in string literals inside an annotation/mark; kept even if malformed, to surface typos. */
  private static void literals(
      String file,
      String source,
      Pattern call,
      Pattern string,
      SortedMap<String, List<String>> found) {
    Matcher m = call.matcher(source);
    while (m.find()) {
      Matcher s = string.matcher(m.group(1));
      while (s.find()) {
        String id = s.group(1) != null ? s.group(1) : s.group(2);
        record(found, id.trim(), file, source, m.start(1) + s.start());
      }
    }
  }

  private static void record(
      SortedMap<String, List<String>> found, String id, String file, String source, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (source.charAt(i) == '\n') {
        line++;
      }
    }
    found.computeIfAbsent(id, k -> new ArrayList<>()).add(file + ":" + line);
  }
}
