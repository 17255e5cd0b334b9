package dev.kindling.tck.worker;

import dev.kindling.protocol.Profile;

/** The worker verification against Kindling's worker on profile SPARK_3_5. */
class KindlingWorkerSpark35Test extends KindlingWorkerTckBase {
  @Override
  Profile targetProfile() {
    return Profile.SPARK_3_5;
  }
}
