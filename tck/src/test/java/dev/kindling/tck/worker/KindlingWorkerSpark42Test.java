package dev.kindling.tck.worker;

import dev.kindling.protocol.Profile;

/** The worker verification against Kindling's worker on profile SPARK_4_2. */
class KindlingWorkerSpark42Test extends KindlingWorkerTckBase {
  @Override
  Profile targetProfile() {
    return Profile.SPARK_4_2;
  }
}
