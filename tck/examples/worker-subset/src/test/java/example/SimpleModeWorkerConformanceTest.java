package example;

import dev.kindling.protocol.Profile;
import dev.kindling.tck.Capability;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.TckParameters;
import dev.kindling.tck.worker.WorkerVerification;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Kindling TCK's worker verification, run by this project's own build against a worker that
 * declares one capability only: simple mode ({@code python -m <module>}, one process per task; no
 * daemon, no reuse). Every required rule of that subset must pass; the daemon and reuse checks are
 * reported as not applicable, with the reason.
 */
class SimpleModeWorkerConformanceTest extends WorkerVerification {
  @Override
  protected TckConfig configure(TckConfig fromRun) {
    String python = System.getProperty("worker.python", "python3");
    return fromRun.toBuilder()
        .profile(Profile.SPARK_4_2)
        .capabilities(Set.of(Capability.SIMPLE_MODE))
        .command(List.of(python, "-m", "kindling.worker"))
        .pythonExecutable(python)
        .build();
  }

  @Override
  protected Map<String, String> parameterOverrides() {
    String path = System.getProperty("worker.pythonpath", "");
    return path.isEmpty() ? Map.of() : Map.of(TckParameters.PYTHONPATH, path);
  }
}
