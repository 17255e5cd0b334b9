package dev.kindling.protocol.header;

import dev.kindling.protocol.Profile;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The task-context block of the header (WRK-4.3.1, WRK-4.3.2, WRK-4.3.3), the same model for all
 * profiles.
 *
 * <p>{@code connInfo} is an {@link Integer} port, a {@link String} Unix socket path or null;
 * {@code secret} a string or null. What a profile can carry:
 *
 * <ul>
 *   <li>spark-3.5: always an Integer port and a non-null secret (0 and "" when not barrier);
 *   <li>spark-4.1: non-barrier: both null; barrier: a port (not -1) with a secret, or a path with
 *       a null secret;
 *   <li>spark-4.2 and spark-4.3: connInfo an Integer or a String, secret a string or null.
 * </ul>
 *
 * <p>{@code cpuAmount} is the exact CPU amount as a plain decimal string (WRK-4.3.5); only
 * spark-4.3 carries it. Decoding other profiles gives null, and encoding spark-4.3 with null writes
 * {@code cpus} as the amount.
 *
 * <p>Map arguments are copied in their iteration order, which is the wire order.
 */
public record TaskContextInfo(
    boolean isBarrier,
    Object connInfo,
    String secret,
    int stageId,
    int partitionId,
    int attemptNumber,
    long taskAttemptId,
    int cpus,
    Map<String, ResourceInfo> resources,
    Map<String, String> localProperties,
    String cpuAmount) {

  /** A context without {@code cpuAmount} (the profiles before spark-4.3). */
  public TaskContextInfo(
      boolean isBarrier,
      Object connInfo,
      String secret,
      int stageId,
      int partitionId,
      int attemptNumber,
      long taskAttemptId,
      int cpus,
      Map<String, ResourceInfo> resources,
      Map<String, String> localProperties) {
    this(isBarrier, connInfo, secret, stageId, partitionId, attemptNumber, taskAttemptId, cpus,
        resources, localProperties, null);
  }

  public TaskContextInfo {
    if (connInfo != null && !(connInfo instanceof Integer) && !(connInfo instanceof String)) {
      throw new IllegalArgumentException(
          "connInfo must be an Integer, a String or null, got " + connInfo.getClass().getName());
    }
    resources = Collections.unmodifiableMap(new LinkedHashMap<>(resources));
    localProperties = Collections.unmodifiableMap(new LinkedHashMap<>(localProperties));
  }

  /**
   * A non-barrier context as Kindling's JVM sends it on {@code profile} (WRK-4.3.4): port 0 and
   * secret "" on spark-3.5, nothing on spark-4.1, connInfo -1 and a null secret on spark-4.2 and
   * spark-4.3, where {@code cpuAmount} is {@code cpus} as a decimal (WRK-4.3.5).
   */
  public static TaskContextInfo nonBarrier(
      Profile profile,
      int stageId,
      int partitionId,
      int attemptNumber,
      long taskAttemptId,
      int cpus,
      Map<String, ResourceInfo> resources,
      Map<String, String> localProperties) {
    Object connInfo;
    String secret;
    switch (profile) {
      case SPARK_3_5:
        connInfo = 0;
        secret = "";
        break;
      case SPARK_4_1:
        connInfo = null;
        secret = null;
        break;
      default:
        connInfo = -1;
        secret = null;
        break;
    }
    return new TaskContextInfo(
        false, connInfo, secret, stageId, partitionId, attemptNumber, taskAttemptId, cpus,
        resources, localProperties, profile.hasCpuAmount() ? Integer.toString(cpus) : null);
  }

  @Override
  public String toString() {
    return "TaskContextInfo[isBarrier=" + isBarrier
        + ", connInfo=" + connInfo
        + ", secret=" + (secret == null ? "null" : "<" + secret.length() + " chars>")
        + ", stageId=" + stageId
        + ", partitionId=" + partitionId
        + ", attemptNumber=" + attemptNumber
        + ", taskAttemptId=" + taskAttemptId
        + ", cpus=" + cpus
        + ", resources=" + resources
        + ", localProperties=" + localProperties
        + (cpuAmount == null ? "" : ", cpuAmount=" + cpuAmount) + "]";
  }
}
