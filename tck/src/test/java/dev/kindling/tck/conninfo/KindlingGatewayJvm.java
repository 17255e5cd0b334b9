package dev.kindling.tck.conninfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The command that starts Kindling's own gateway from this checkout: a built
 * {@code gateway/target*}{@code /} directory holding {@code classes} and {@code classpath.txt}
 * (what {@code mvn -pl gateway -am verify} leaves), or the runnable jar with {@code lib/}.
 * Absent: the conn-info and gateway verifications skip with that message.
 */
public final class KindlingGatewayJvm {
  public static final String MAIN = "dev.kindling.gateway.KindlingGateway";

  private KindlingGatewayJvm() {}

  public static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("python/kindling"))) {
      p = p.getParent();
    }
    return p;
  }

  public static Optional<String> classpath() {
    Path root = repoRoot();
    if (root == null || !Files.isDirectory(root.resolve("gateway"))) {
      return Optional.empty();
    }
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> s = Files.list(root.resolve("gateway"))) {
      s.filter(p -> p.getFileName().toString().startsWith("target")).forEach(dirs::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dirs.sort(Comparator.comparing(KindlingGatewayJvm::mtime).reversed());
    for (Path d : dirs) {
      Path main = d.resolve("classes/dev/kindling/gateway/KindlingGateway.class");
      Path cp = d.resolve("classpath.txt");
      if (Files.isRegularFile(main) && Files.isRegularFile(cp)) {
        try {
          String deps = Files.readString(cp).strip();
          boolean all = Stream.of(deps.split(java.io.File.pathSeparator)).allMatch(e -> Files.exists(Path.of(e)));
          if (all) {
            return Optional.of(d.resolve("classes") + java.io.File.pathSeparator + deps);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      try (Stream<Path> jars = Files.list(d)) {
        Optional<Path> jar = jars.filter(p -> p.getFileName().toString().matches("kindling-gateway-.*\\.jar")).findFirst();
        if (jar.isPresent() && Files.isDirectory(d.resolve("lib"))) {
          return Optional.of(jar.get().toString());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Optional.empty();
  }

  public static List<String> command() {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return List.of(java, "-cp", classpath().orElseThrow(), MAIN);
  }

  public static String skipReason() {
    return "Kindling's gateway is not built (no gateway/target*/ with classes and classpath.txt, "
        + "or kindling-gateway-*.jar with lib/): run mvn -B -pl gateway -am verify";
  }

  private static long mtime(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }
}
