package dev.kindling.protocol.spec;

import dev.kindling.protocol.Profile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The normative rules of Kindling's specs, parsed from the spec markdown.
 *
 * <p>Rule syntax: a paragraph or list item that starts with a bold bracketed id, an optional
 * {@code {role, profile, ...}} block, then the rule text:
 *
 * <pre>
 * **[WRK-6.2]** {worker, spark-4.2} The worker MUST write four longs after TIMING_DATA.
 * - **[CONN-3]** The launcher SHOULD delete the file once read.
 * **[WRK-3.1]** (retired)
 * </pre>
 *
 * <ul>
 *   <li>id: {@code [A-Z]+-\d+(\.\d+)*}; defined at most once across all files;
 *   <li>{@code {...}}: the first item is the role ({@code driver, jvm, worker, daemon, launcher,
 *       any}), further items are profiles ({@code spark-3.5, spark-4.1, spark-4.2, spark-4.3}); no profiles
 *       means all profiles, no block means role {@code any} and all profiles;
 *   <li>level: the first RFC 2119 keyword of the text (MUST, MUST NOT, REQUIRED, SHALL, SHALL NOT
 *       → MUST; SHOULD, SHOULD NOT, RECOMMENDED → SHOULD; MAY, OPTIONAL → MAY); none is an error;
 *   <li>the text runs until the next rule id, a blank line, a heading or a code fence;
 *   <li>a text containing {@code Deviation:} is a deviation; a text starting {@code (retired)}
 *       reserves the id without making it a rule.
 * </ul>
 */
public final class RuleCatalog {
  /** Where the specs live on the classpath. */
  public static final String RESOURCE_DIR = "dev/kindling/protocol/spec/";

  /** The bundled spec files, in load order. */
  public static final List<String> SPEC_FILES = List.of("conn-info.md", "gateway.md", "worker.md");

  private final Map<String, Rule> rules;
  private final Set<String> retired;

  private RuleCatalog(Map<String, Rule> rules, Set<String> retired) {
    this.rules = Collections.unmodifiableMap(rules);
    this.retired = Collections.unmodifiableSet(retired);
  }

  /** Loads the bundled specs from the classpath. */
  public static RuleCatalog load() {
    return load(RuleCatalog.class.getClassLoader());
  }

  /** Loads {@link #SPEC_FILES} from {@link #RESOURCE_DIR} of {@code loader}. */
  public static RuleCatalog load(ClassLoader loader) {
    Parser parser = new Parser();
    for (String name : SPEC_FILES) {
      String resource = RESOURCE_DIR + name;
      try (InputStream in = loader.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("spec resource " + resource + " is not on the classpath");
        }
        parser.add(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read spec resource " + resource, e);
      }
    }
    return parser.build();
  }

  /** Loads {@link #SPEC_FILES} from a directory, e.g. {@code protocol-spec/spec}. */
  public static RuleCatalog load(Path dir) {
    Parser parser = new Parser();
    for (String name : SPEC_FILES) {
      Path file = dir.resolve(name);
      try {
        parser.add(name, Files.readString(file, StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        throw new IllegalStateException("spec file " + file + " does not exist", e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read spec file " + file, e);
      }
    }
    return parser.build();
  }

  /** Parses one spec file; {@code name} is used in rules and error messages. */
  public static RuleCatalog parse(String name, String markdown) {
    Parser parser = new Parser();
    parser.add(name, markdown);
    return parser.build();
  }

  /** All rules in document order (files in load order). */
  public List<Rule> rules() {
    return List.copyOf(rules.values());
  }

  /** The rules that apply under {@code profile}. */
  public List<Rule> rules(Profile profile) {
    List<Rule> out = new ArrayList<>();
    for (Rule r : rules.values()) {
      if (r.appliesTo(profile)) {
        out.add(r);
      }
    }
    return out;
  }

  /** The ids of all (non-retired) rules, in {@link RuleIds#ORDER}. */
  public Set<String> ids() {
    Set<String> ids = new TreeSet<>(RuleIds.ORDER);
    ids.addAll(rules.keySet());
    return Collections.unmodifiableSet(ids);
  }

  /** Ids reserved by retired rules. */
  public Set<String> retiredIds() {
    return retired;
  }

  public Optional<Rule> find(String id) {
    return Optional.ofNullable(rules.get(id));
  }

  /** The rule with {@code id}; throws {@link IllegalArgumentException} naming it when unknown. */
  public Rule get(String id) {
    Rule r = rules.get(id);
    if (r == null) {
      throw new IllegalArgumentException(
          retired.contains(id) ? "rule " + id + " is retired" : "no rule " + id + " in the specs");
    }
    return r;
  }

  public int size() {
    return rules.size();
  }

  /** Line-oriented parser; accumulates several files so duplicate ids are caught across them. */
  static final class Parser {
    private static final Pattern START =
        Pattern.compile("^\\s*(?:>\\s*)*(?:(?:[-*+]|\\d+[.)])\\s+)?\\*\\*\\[([^\\]]*)\\]\\*\\*(.*)$");
    private static final Pattern ID_LIKE = Pattern.compile("[A-Za-z]+-.*");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}(?:\\s.*)?$");
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(?:```|~~~).*$");
    private static final Pattern KEYWORD =
        Pattern.compile(
            "\\b(MUST NOT|MUST|REQUIRED|SHALL NOT|SHALL|SHOULD NOT|SHOULD|NOT RECOMMENDED|RECOMMENDED|MAY|OPTIONAL)\\b");
    private static final Pattern RETIRED = Pattern.compile("^\\(retired\\)", Pattern.CASE_INSENSITIVE);

    private final Map<String, Rule> rules = new LinkedHashMap<>();
    private final Set<String> retired = new TreeSet<>(RuleIds.ORDER);
    private final Map<String, String> definedAt = new LinkedHashMap<>();

    void add(String name, String markdown) {
      String[] lines = markdown.split("\\R", -1);
      Pending pending = null;
      boolean inFence = false;
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i];
        int lineNo = i + 1;
        if (FENCE.matcher(line).matches()) {
          pending = finish(pending);
          inFence = !inFence;
          continue;
        }
        if (inFence) {
          continue;
        }
        if (line.isBlank() || HEADING.matcher(line).matches()) {
          pending = finish(pending);
          continue;
        }
        Matcher m = START.matcher(line);
        if (m.matches() && (RuleIds.isValid(m.group(1)) || ID_LIKE.matcher(m.group(1)).matches())) {
          pending = finish(pending);
          String id = m.group(1);
          if (!RuleIds.isValid(id)) {
            throw new SpecFormatException(
                name, lineNo, null, "malformed rule id [" + id + "]: expected e.g. [WRK-6.2]");
          }
          String first = definedAt.putIfAbsent(id, name + ":" + lineNo);
          if (first != null) {
            throw new SpecFormatException(name, lineNo, id, "defined twice (first at " + first + ")");
          }
          pending = new Pending(name, lineNo, id, m.group(2));
          continue;
        }
        if (pending != null) {
          pending.text.append(' ').append(line.trim());
        }
      }
      finish(pending);
    }

    private Pending finish(Pending p) {
      if (p == null) {
        return null;
      }
      String rest = p.text.toString().trim();
      Role role = Role.ANY;
      Set<Profile> profiles = EnumSet.allOf(Profile.class);
      if (rest.startsWith("{")) {
        int close = rest.indexOf('}');
        if (close < 0) {
          throw p.error("unterminated {...} block");
        }
        String[] items = rest.substring(1, close).split(",", -1);
        String roleText = items[0].trim();
        if (roleText.isEmpty()) {
          throw p.error("empty {...} block: expected {role[, profile...]}");
        }
        role = Role.parseOrNull(roleText);
        if (role == null) {
          throw p.error(
              "unknown role '" + roleText + "': expected one of driver, jvm, worker, daemon, launcher, any");
        }
        Set<Profile> named = EnumSet.noneOf(Profile.class);
        for (int k = 1; k < items.length; k++) {
          String item = items[k].trim();
          if (item.isEmpty()) {
            continue; // a trailing comma is harmless
          }
          try {
            named.add(Profile.parse(item));
          } catch (IllegalArgumentException e) {
            throw p.error(e.getMessage());
          }
        }
        if (!named.isEmpty()) {
          profiles = named;
        }
        rest = rest.substring(close + 1).trim();
      }
      if (RETIRED.matcher(rest).find()) {
        retired.add(p.id);
        return null;
      }
      Matcher k = KEYWORD.matcher(rest);
      if (!k.find()) {
        throw p.error("no RFC 2119 keyword (MUST, SHOULD, MAY, ...) in rule text: \"" + rest + "\"");
      }
      rules.put(
          p.id,
          new Rule(
              p.id,
              Level.ofKeyword(k.group(1)),
              role,
              profiles,
              rest.contains("Deviation:"),
              rest,
              p.file));
      return null;
    }

    RuleCatalog build() {
      return new RuleCatalog(new LinkedHashMap<>(rules), new TreeSet<>(retired));
    }

    private static final class Pending {
      final String file;
      final int line;
      final String id;
      final StringBuilder text;

      Pending(String file, int line, String id, String first) {
        this.file = file;
        this.line = line;
        this.id = id;
        this.text = new StringBuilder(first.trim());
      }

      SpecFormatException error(String detail) {
        return new SpecFormatException(file, line, id, detail);
      }
    }
  }
}
