package dev.kindling.bridge.task;

import dev.kindling.bridge.TaskSpec;
import dev.kindling.protocol.Profile;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The JVM's side of the task input alone: {@link TaskInput} encoding elements into a buffered
 * stream that discards them, as the blocking I/O model writes them (no socket, no worker). Prints
 * records/s and MB/s per element kind and size, from the thread's CPU time (so that other tenants
 * of the machine move the figures less than wall time would), best of 5.
 *
 * <p>Usage: TaskInputBench
 */
public final class TaskInputBench {
  public static void main(String[] args) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (String kind : new String[] {"bytes", "string"}) {
      for (int size : new int[] {16, 64, 1024, 64 * 1024}) {
        int n = (int) Math.max(64, Math.min(2_000_000, (256L << 20) / size));
        List<Object> elements = new ArrayList<>(n);
        byte[] b = new byte[size];
        String s = "x".repeat(size);
        for (int i = 0; i < n; i++) {
          elements.add(kind.equals("bytes") ? b : s);
        }
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 6; r++) {
          TaskSpec spec = TaskSpec.builder().pythonVersion("3.11").command(new byte[] {1}).build();
          TaskInput in = new TaskInput(Profile.SPARK_4_2, spec, BroadcastDiff.between(new HashSet<>(), Map.of()),
              elements.iterator());
          DataOutputStream out = new DataOutputStream(new BufferedOutputStream(OutputStream.nullOutputStream(), 65536));
          long t0 = mx.getCurrentThreadCpuTime();
          in.writeSome(out, Long.MAX_VALUE);
          out.flush();
          double sec = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
          if (r > 0) {
            best = Math.min(best, sec);
          }
        }
        System.out.printf("%-6s %6d B: %10.0f records/s %9.1f MB/s (cpu, best of 5)%n", kind, size, n / best,
            (double) n * (size + 4) / best / 1e6);
      }
    }
  }
}
