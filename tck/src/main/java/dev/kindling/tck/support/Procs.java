package dev.kindling.tck.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What {@code /proc} says about processes and sockets (Linux); empty where it is unavailable. */
public final class Procs {
  private Procs() {}

  public static boolean available() {
    return Files.isDirectory(Path.of("/proc/self"));
  }

  /** The state letter ({@code R}, {@code S}, {@code Z}...), or empty when the process is gone. */
  public static Optional<Character> state(long pid) {
    return stat(pid).map(f -> f.get(0).charAt(0));
  }

  /** The process group id. */
  public static Optional<Long> pgrp(long pid) {
    return stat(pid).map(f -> Long.parseLong(f.get(2)));
  }

  /** Fields after the command name of /proc/pid/stat: state, ppid, pgrp, ... */
  private static Optional<List<String>> stat(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
      int close = s.lastIndexOf(')');
      return Optional.of(List.of(s.substring(close + 2).trim().split(" ")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** True when the process is gone (or only a zombie is left: {@code allowZombie}). */
  public static boolean gone(long pid, boolean allowZombie) {
    if (available()) {
      Optional<Character> st = state(pid);
      return st.isEmpty() || (allowZombie && st.get() == 'Z');
    }
    return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
  }

  /** Waits up to {@code millis} for {@link #gone}. */
  public static boolean awaitGone(long pid, boolean allowZombie, long millis) {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      if (gone(pid, allowZombie)) {
        return true;
      }
      sleep(20);
    }
    return gone(pid, allowZombie);
  }

  public static String cmdline(long pid) {
    try {
      byte[] b = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
      return new String(b, StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Local addresses of the listening TCP sockets on {@code port}, from /proc/net/tcp and tcp6,
   * as hex strings ({@code 0100007F} is 127.0.0.1, {@code 00000000} is any).
   */
  public static List<String> listeningAddresses(int port) {
    List<String> out = new ArrayList<>();
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    for (String f : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(f))) {
          String[] cols = line.trim().split("\\s+");
          if (cols.length > 3 && cols[1].endsWith(":" + hexPort) && cols[3].equals("0A")) {
            out.add(cols[1].substring(0, cols[1].indexOf(':')));
          }
        }
      } catch (IOException e) {
        // not Linux
      }
    }
    return out;
  }

  /** Whether a /proc/net address is a loopback one (127.0.0.0/8 or ::1, also v4-mapped). */
  public static boolean isLoopbackHex(String hex) {
    if (hex.length() == 8) {
      return hex.endsWith("7F");
    }
    return hex.equals("00000000000000000000000001000000")
        || (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F"));
  }

  /** A poll interval between two looks at {@code /proc} (interrupt-preserving). */
  public static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
