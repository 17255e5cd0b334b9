package dev.kindling.engine.conf;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The masters Kindling runs, parsed as Spark's SparkContext parses them, with Spark's messages for
 * the rest:
 *
 * <pre>
 *   local                       1 slot
 *   local[N] / local[*]         N slots (N &gt;= 1; local[0]: "Asked to run locally with 0 threads")
 *   local[N,F] / local[*,F]     as local[N], F task attempts
 *   local-cluster[E,C,M]        E executors of C cores and M MiB each: E*C slots, a pool of Python
 *                               workers per executor, default parallelism max(E*C, 2)
 *   anything else               "Could not parse Master URL: '...'"
 * </pre>
 *
 * Spark also accepts a huge N (local[99999]); so does Kindling — slots, threads and Python workers
 * are only created as tasks need them (Spark's RPC dispatcher starts one thread per core at once).
 *
 * @param slots tasks that may run at once
 * @param executors 1, or E of local-cluster
 * @param maxFailures task attempts given by the master (local[N,F]), or 0 for the configured default
 * @param cluster whether this is local-cluster (its default parallelism is max(slots, 2))
 */
public record MasterUrl(String master, int slots, int executors, int maxFailures, boolean cluster) {
  private static final Pattern LOCAL_N = Pattern.compile("local\\[([0-9]+|\\*)\\]");
  private static final Pattern LOCAL_N_FAILURES = Pattern.compile("local\\[([0-9]+|\\*)\\s*,\\s*([0-9]+)\\]");
  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*,\\s*([0-9]+)\\s*]");
  /** Spark's default spark.executor.memory, which a local-cluster worker must be able to hold. */
  private static final int DEFAULT_EXECUTOR_MIB = 1024;

  /** Parses {@code master} (blanks around it ignored); a master Kindling cannot run is refused. */
  public static MasterUrl parse(String master) {
    String m = master.trim();
    int cores = Runtime.getRuntime().availableProcessors();
    if (m.equals("local")) {
      return new MasterUrl(m, 1, 1, 0, false);
    }
    Matcher n = LOCAL_N.matcher(m);
    if (n.matches()) {
      return new MasterUrl(m, threads(n.group(1), cores), 1, 0, false);
    }
    Matcher nf = LOCAL_N_FAILURES.matcher(m);
    if (nf.matches()) {
      return new MasterUrl(m, threads(nf.group(1), cores), 1, parse(nf.group(2), m), false);
    }
    Matcher c = LOCAL_CLUSTER.matcher(m);
    if (c.matches()) {
      int executors = parse(c.group(1), m);
      int perExecutor = parse(c.group(2), m);
      int mib = parse(c.group(3), m);
      if (mib < DEFAULT_EXECUTOR_MIB) {
        throw new IllegalArgumentException(String.format(
            "Asked to launch cluster with %d MiB/worker but requested %d MiB/executor.", mib, DEFAULT_EXECUTOR_MIB));
      }
      if (executors < 1 || perExecutor < 1) {
        // Spark would start the cluster and then wait for executors that can never register.
        throw new IllegalArgumentException("local-cluster needs at least one executor with at least one core, got '"
            + m + "'");
      }
      long slots = (long) executors * perExecutor;
      if (slots > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("Could not parse Master URL: '" + m + "'");
      }
      return new MasterUrl(m, (int) slots, executors, 0, true);
    }
    throw new IllegalArgumentException("Could not parse Master URL: '" + m + "'");
  }

  private static int threads(String n, int cores) {
    if (n.equals("*")) {
      return cores;
    }
    int t;
    try {
      t = Integer.parseInt(n);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Asked to run locally with " + n + " threads");
    }
    if (t <= 0) {
      throw new IllegalArgumentException("Asked to run locally with " + t + " threads");
    }
    return t;
  }

  private static int parse(String digits, String master) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Could not parse Master URL: '" + master + "'");
    }
  }

  /** Spark's default parallelism when spark.default.parallelism is not set. */
  public int defaultParallelism() {
    return cluster ? Math.max(slots, 2) : slots;
  }

  /** Slots per executor (all of them in local mode). */
  public int slotsPerExecutor() {
    return slots / executors;
  }
}
