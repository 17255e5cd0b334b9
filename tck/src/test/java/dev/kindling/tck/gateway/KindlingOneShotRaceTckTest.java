package dev.kindling.tck.gateway;

import dev.kindling.tck.TckConfig;
import dev.kindling.tck.conninfo.KindlingGatewayJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/** The one-shot race checks (WRK-2.9, WRK-2.10) against Kindling's gateway from this checkout. */
class KindlingOneShotRaceTckTest extends OneShotRaceVerification {
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
