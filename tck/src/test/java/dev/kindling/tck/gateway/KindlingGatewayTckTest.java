package dev.kindling.tck.gateway;

import dev.kindling.tck.TckConfig;
import dev.kindling.tck.conninfo.KindlingGatewayJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/** The gateway verification against Kindling's {@code KindlingGateway} from this checkout. */
class KindlingGatewayTckTest extends GatewayVerification {
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
}
