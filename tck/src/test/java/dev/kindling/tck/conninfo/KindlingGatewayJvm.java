package dev.kindling.tck.conninfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The command that starts Kindling's own gateway: {@code java -cp <classpath> KindlingGateway},
 * the classpath coming from the build ({@code -Dkindling.gateway.classpath}, which the tck
 * module's failsafe configuration sets from its test-scoped dependency on the gateway artifact),
 * never from scanning build directories, so the kit cannot test a stale build.
 */
public final class KindlingGatewayJvm {
  public static final String MAIN = "dev.kindling.gateway.KindlingGateway";
  /** System property holding the gateway's classpath (set by the build). */
  public static final String CLASSPATH_PROPERTY = "kindling.gateway.classpath";

  private KindlingGatewayJvm() {}

  public static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("python/kindling"))) {
      p = p.getParent();
    }
    return p;
  }

  /** The gateway's classpath from the build, if every entry of it exists. */
  public static Optional<String> classpath() {
    String cp = System.getProperty(CLASSPATH_PROPERTY, "").strip();
    if (cp.isEmpty() || cp.startsWith("${")) {
      return Optional.empty();
    }
    boolean all = Stream.of(cp.split(java.io.File.pathSeparator)).allMatch(e -> Files.exists(Path.of(e)));
    boolean hasGateway = Stream.of(cp.split(java.io.File.pathSeparator))
        .anyMatch(e -> Path.of(e).getFileName().toString().startsWith("kindling-gateway-"));
    return all && hasGateway ? Optional.of(cp) : Optional.empty();
  }

  public static List<String> command() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-cp", classpath().orElseThrow(), MAIN);
  }

  public static String skipReason() {
    return "no gateway classpath from the build (-D" + CLASSPATH_PROPERTY + ", set by the tck module's"
        + " failsafe configuration): run mvn -B -pl tck -am verify";
  }
}
