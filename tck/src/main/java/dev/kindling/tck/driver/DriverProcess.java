package dev.kindling.tck.driver;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.LaunchedProcess;
import dev.kindling.tck.RuleFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A driver program that is still running: its standard output is read as it comes. */
final class DriverProcess {
  private final LaunchedProcess process;
  private final Duration runLimit;
  private final StringBuilder stdout = new StringBuilder();
  private final Thread reader;
  private boolean ended;

  /** {@code runLimit}: the longest any wait on this driver may take. */
  DriverProcess(LaunchedProcess process, Duration runLimit) {
    this.process = process;
    this.runLimit = runLimit;
    this.reader = new Thread(this::read, "kindling-tck-driver-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = process.stdout().read(buf)) > 0) {
        synchronized (this) {
          stdout.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process is gone
    } finally {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }

  /**
   * The value of the first {@code key=value} line the program prints; fails by {@code rule}
   * when the program ends, or the run limit passes, without one.
   */
  String awaitValue(String key, String rule) {
    long deadline = System.nanoTime() + runLimit.toNanos();
    synchronized (this) {
      while (true) {
        int from = 0;
        int nl;
        while ((nl = stdout.indexOf("\n", from)) >= 0) {
          String line = stdout.substring(from, nl);
          if (line.startsWith(key + "=")) {
            return line.substring(key.length() + 1).strip();
          }
          from = nl + 1;
        }
        long left = deadline - System.nanoTime();
        if (ended || left <= 0) {
          break;
        }
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    process.close();
    String out;
    synchronized (this) {
      out = stdout.toString();
    }
    throw new RuleFailure(rule, "the program did not print " + key + "=<value> ("
        + (ended ? "it ended" : "waited " + runLimit.toMillis() + " ms") + "); output:\n"
        + out.strip() + "\n" + process.stderrTail().strip());
  }

  /**
   * Waits for {@code f} within the run limit; fails by {@code rule} with the driver's output when
   * the driver ends first or the time runs out.
   */
  <T> T await(CompletableFuture<T> f, String rule, String what) {
    long deadline = System.nanoTime() + runLimit.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        return f.get(50, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        if (!process.process().isAlive()) {
          try {
            return f.get(TimeFactor.scale(Duration.ofMillis(200)).toMillis(), TimeUnit.MILLISECONDS);
          } catch (TimeoutException | ExecutionException ignored) {
            throw new RuleFailure(rule, "the driver ended before " + what + ": " + finish());
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new AssertionError(ie);
          }
        }
      } catch (ExecutionException e) {
        throw new AssertionError(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    process.close();
    throw new RuleFailure(rule, "no " + what + " within " + runLimit.toMillis() + " ms: " + finish());
  }

  /** Waits for the driver to exit (within the run limit) and returns what it did. */
  DriverRun finish() {
    int exit = process.waitFor(runLimit);
    try {
      reader.join(runLimit.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      return new DriverRun(exit, stdout.toString(), process.stderrTail());
    }
  }

  /** As {@link #finish()}, but a driver that does not exit fails by {@code rule}. */
  DriverRun finish(String rule, String what) {
    try {
      return finish();
    } catch (AssertionError e) {
      process.close();
      String out;
      synchronized (this) {
        out = stdout.toString();
      }
      throw new RuleFailure(rule, "the driver did not exit within " + runLimit.toMillis()
          + " ms " + what + "; output:\n" + out.strip() + "\n" + process.stderrTail().strip());
    }
  }
}
