package dev.kindling.tck.engine;

import dev.kindling.protocol.Profile;

/**
 * The engine verification against Kindling's stack on profile spark-4.3: the bridge must send
 * each header as an init message (WRK-4.10.1) with the 4.3 task context (WRK-4.3.5).
 */
class KindlingEngineSpark43Test extends KindlingEngineTest {
  @Override
  Profile targetProfile() {
    return Profile.SPARK_4_3;
  }
}
