package dev.kindling.bridge;

import java.util.Map;

/** The daemon-mode suite with {@code kindling.python.worker.io=netty}. */
class NettyDaemonModeTest extends DaemonModeTest {
  @Override
  Map<String, String> baseConf() {
    Map<String, String> m = Testkit.conf();
    m.put(BridgeConfig.IO_MODEL, "netty");
    return m;
  }
}
