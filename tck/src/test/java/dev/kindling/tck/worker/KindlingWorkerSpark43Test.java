package dev.kindling.tck.worker;

import dev.kindling.protocol.Profile;

/** The worker verification against Kindling's worker on profile SPARK_4_3 (init message). */
class KindlingWorkerSpark43Test extends KindlingWorkerTckBase {
  @Override
  Profile targetProfile() {
    return Profile.SPARK_4_3;
  }
}
