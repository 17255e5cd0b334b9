package dev.kindling.bridge.launch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the last lines a child process wrote to one of its output streams, for error messages
 * (WRK-3.7, WRK-7.4). A daemon thread drains the stream so the child never blocks on a full pipe.
 */
final class OutputTail {
  static final int MAX_LINES = 100;
  static final int MAX_LINE_CHARS = 2000;

  private final ArrayDeque<String> lines = new ArrayDeque<>();
  private final java.util.List<Thread> pumps = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Starts a daemon thread that drains {@code in} into this tail. */
  OutputTail pump(InputStream in, String threadName) {
    Thread t = new Thread(() -> drain(in), threadName);
    t.setDaemon(true);
    pumps.add(t);
    t.start();
    return this;
  }

  /** Drains {@code in} on the calling thread (for a thread that already read a prefix). */
  void drain(InputStream in) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        add(line);
      }
    } catch (IOException e) {
      // The process went away; what we have is the tail.
    }
  }

  void add(String line) {
    String l = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "..." : line;
    synchronized (lines) {
      if (lines.size() == MAX_LINES) {
        lines.removeFirst();
      }
      lines.addLast(l);
    }
  }

  /** Waits up to {@code millis} for the stream to reach its end, so the tail is complete. */
  void awaitEnd(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    try {
      for (Thread t : pumps) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return;
        }
        t.join(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The retained lines joined by newlines; empty when the process wrote nothing. */
  String text() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  static String describeExit(Process p, long waitMillis) {
    try {
      if (!p.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
        return "still running";
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "exit status unknown";
    }
    return describeExitCode(p.exitValue());
  }

  /** Java reports death by signal N as exit code 128 + N on Unix. */
  static String describeExitCode(int code) {
    if (code > 128 && code < 128 + 65) {
      int sig = code - 128;
      return "exit code " + code + " (killed by signal " + sig + signalName(sig) + ")";
    }
    return "exit code " + code;
  }

  private static String signalName(int sig) {
    switch (sig) {
      case 9:
        return " SIGKILL";
      case 15:
        return " SIGTERM";
      case 11:
        return " SIGSEGV";
      case 6:
        return " SIGABRT";
      case 1:
        return " SIGHUP";
      case 2:
        return " SIGINT";
      default:
        return "";
    }
  }
}
