package dev.kindling.gateway;

import dev.kindling.protocol.TimeFactor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@link KindlingGateway} in a child JVM on this test's classpath; every wait is bounded. */
final class GatewayProcess implements AutoCloseable {
  final Process process;
  final Path stderr;

  private GatewayProcess(Process process, Path stderr) {
    this.process = process;
    this.stderr = stderr;
  }

  static GatewayProcess start(Path workDir, Map<String, String> env, String... jvmArgs)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmArgs));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(KindlingGateway.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("_PYSPARK_DRIVER_CONN_INFO_PATH");
    pb.environment().remove("PYSPARK_PIN_THREAD");
    pb.environment().putAll(env);
    Path err = Files.createTempFile(workDir, "stderr", ".txt");
    pb.redirectError(err.toFile());
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectInput(ProcessBuilder.Redirect.PIPE);
    return new GatewayProcess(pb.start(), err);
  }

  /** Waits until {@code file} exists or the process exits; false on timeout or exit. */
  boolean awaitFile(Path file, long timeoutMillis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        return true;
      }
      if (!process.isAlive()) {
        return Files.exists(file);
      }
      Thread.sleep(10);
    }
    return false;
  }

  /** The exit code, or throws if the process is still running after {@code timeoutMillis}. */
  int awaitExit(long timeoutMillis) throws InterruptedException {
    if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
      throw new AssertionError("gateway JVM still running after " + timeoutMillis + " ms");
    }
    return process.exitValue();
  }

  List<String> stderrLines() throws IOException {
    return Files.readAllLines(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(TimeFactor.seconds(5), TimeUnit.SECONDS);
    }
  }
}
