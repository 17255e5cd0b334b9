package dev.kindling.tck;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.support.Scratch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process started by a verification. Its stderr goes to a temporary file, so a chatty
 * implementation cannot block on a full pipe and its last lines can be shown in a failure.
 */
public final class LaunchedProcess implements AutoCloseable {
  private static final int STDERR_TAIL = 4096;

  private final Process process;
  private final List<String> command;
  private final Path stderr;
  private final Duration timeout;

  private LaunchedProcess(Process process, List<String> command, Path stderr, Duration timeout) {
    this.process = process;
    this.command = List.copyOf(command);
    this.stderr = stderr;
    this.timeout = timeout;
  }

  static LaunchedProcess start(List<String> command, Map<String, String> env, Duration timeout)
      throws IOException {
    Path err = Scratch.file("process-", ".stderr");
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(err.toFile());
    pb.environment().putAll(env);
    return new LaunchedProcess(pb.start(), command, err, timeout);
  }

  public OutputStream stdin() {
    return process.getOutputStream();
  }

  public InputStream stdout() {
    return process.getInputStream();
  }

  public Process process() {
    return process;
  }

  /** Waits for exit at most the run's timeout; fails with the command and stderr tail otherwise. */
  public int waitFor() {
    return waitFor(timeout);
  }

  public int waitFor(Duration limit) {
    try {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            "process did not exit within " + limit.toMillis() + " ms: " + command + stderrSuffix());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + command, e);
    }
  }

  /** The last few KB the process wrote to stderr. */
  public String stderrTail() {
    try {
      byte[] all = Files.readAllBytes(stderr);
      int from = Math.max(0, all.length - STDERR_TAIL);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(stderr unavailable: " + e + ")";
    }
  }

  private String stderrSuffix() {
    String tail = stderrTail().strip();
    return tail.isEmpty() ? "" : "\nstderr:\n" + tail;
  }

  /** Destroys the process and its descendants, forcibly if they do not exit promptly. */
  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(TimeFactor.millis(2000), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(TimeFactor.millis(2000), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      try {
        Files.deleteIfExists(stderr);
      } catch (IOException ignored) {
        // a leftover temp file is harmless
      }
    }
  }
}
