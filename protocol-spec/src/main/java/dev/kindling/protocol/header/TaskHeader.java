package dev.kindling.protocol.header;

import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the JVM writes before the input data (WRK-4.1 to WRK-4.8). {@code runnerConf} and
 * {@code evalConf} exist on the wire only on spark-4.2 and spark-4.3; on other profiles they are empty.
 * Maps keep their wire order; {@code command} is copied in and out.
 *
 * <p>A split index of -1 is Spark's exit request (WRK-4.1): on the wire it is the only field. The
 * codec reads and writes it as {@link #exitRequest()}, whose other fields are empty.
 */
public record TaskHeader(
    int splitIndex,
    String pythonVersion,
    TaskContextInfo taskContext,
    String sparkFilesDir,
    List<String> pythonIncludes,
    BroadcastSection broadcasts,
    int evalType,
    Map<String, String> runnerConf,
    Map<String, String> evalConf,
    byte[] command) {

  public TaskHeader {
    Objects.requireNonNull(pythonVersion, "pythonVersion");
    Objects.requireNonNull(taskContext, "taskContext");
    Objects.requireNonNull(sparkFilesDir, "sparkFilesDir");
    Objects.requireNonNull(broadcasts, "broadcasts");
    pythonIncludes = List.copyOf(pythonIncludes);
    runnerConf = Collections.unmodifiableMap(new LinkedHashMap<>(runnerConf));
    evalConf = Collections.unmodifiableMap(new LinkedHashMap<>(evalConf));
    command = command.clone();
  }

  private static final TaskHeader EXIT_REQUEST = new TaskHeader(
      -1, "",
      new TaskContextInfo(false, null, null, 0, 0, 0, 0L, 0, Map.of(), Map.of()),
      "", List.of(), BroadcastSection.EMPTY, 0, Map.of(), Map.of(), new byte[0]);

  /** The header that asks a worker to exit: split index -1 and nothing else (WRK-4.1). */
  public static TaskHeader exitRequest() {
    return EXIT_REQUEST;
  }

  /** Whether the split index is -1, Spark's exit request (WRK-4.1). */
  public boolean isExitRequest() {
    return splitIndex == -1;
  }

  @Override
  public byte[] command() {
    return command.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof TaskHeader)) {
      return false;
    }
    TaskHeader h = (TaskHeader) o;
    return splitIndex == h.splitIndex
        && evalType == h.evalType
        && pythonVersion.equals(h.pythonVersion)
        && taskContext.equals(h.taskContext)
        && sparkFilesDir.equals(h.sparkFilesDir)
        && pythonIncludes.equals(h.pythonIncludes)
        && broadcasts.equals(h.broadcasts)
        && runnerConf.equals(h.runnerConf)
        && evalConf.equals(h.evalConf)
        && Arrays.equals(command, h.command);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
            splitIndex, pythonVersion, taskContext, sparkFilesDir, pythonIncludes, broadcasts,
            evalType, runnerConf, evalConf)
        * 31
        + Arrays.hashCode(command);
  }

  @Override
  public String toString() {
    String cmd = HexFormat.of().formatHex(command, 0, Math.min(16, command.length));
    return "TaskHeader[splitIndex=" + splitIndex
        + ", pythonVersion=" + pythonVersion
        + ", taskContext=" + taskContext
        + ", sparkFilesDir=" + sparkFilesDir
        + ", pythonIncludes=" + pythonIncludes
        + ", broadcasts=" + broadcasts
        + ", evalType=" + evalType
        + ", runnerConf=" + runnerConf
        + ", evalConf=" + evalConf
        + ", command=" + cmd + (command.length > 16 ? "...(" + command.length + " bytes)" : "")
        + "]";
  }
}
