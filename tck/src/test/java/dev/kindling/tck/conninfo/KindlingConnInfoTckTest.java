package dev.kindling.tck.conninfo;

import dev.kindling.tck.TckConfig;
import dev.kindling.tck.TckParameters;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The conn-info verification against Kindling: the launcher is {@code KindlingGateway} from this
 * checkout's gateway build; the reader is {@code kindling.protocol.conninfo.read_conn_info}.
 */
class KindlingConnInfoTckTest extends ConnInfoVerification {
  static final String READER =
      "import sys\n"
          + "from kindling.protocol.conninfo import read_conn_info\n"
          + "try:\n"
          + "    print(read_conn_info(sys.argv[1]).port)\n"
          + "except Exception as e:\n"
          + "    print(getattr(e, 'rule_id', None) or e)\n"
          + "    sys.exit(1)\n";

  @BeforeEach
  void requireGateway() {
    Assumptions.assumeTrue(KindlingGatewayJvm.classpath().isPresent(), KindlingGatewayJvm::skipReason);
  }

  @Override
  protected TckConfig configure(TckConfig fromRun) {
    return KindlingGatewayJvm.classpath().isPresent()
        ? fromRun.toBuilder().command(KindlingGatewayJvm.command()).build()
        : fromRun;
  }

  @Override
  protected Map<String, String> parameterOverrides() {
    java.nio.file.Path py = KindlingGatewayJvm.repoRoot().resolve(".venv/bin/python");
    if (!Files.isExecutable(py)) {
      return Map.of();
    }
    return Map.of(
        TckParameters.CONN_INFO_READER, String.join("\u001f", py.toString(), "-c", READER),
        TckParameters.PYTHONPATH, KindlingGatewayJvm.repoRoot().resolve("python").toString());
  }
}
