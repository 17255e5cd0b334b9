package dev.kindling.gateway;

import dev.kindling.engine.Engine;
import dev.kindling.gateway.ui.UiApp;
import dev.kindling.gateway.ui.UiServer;
import dev.kindling.protocol.Profile;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Starts the context's web UI and prints its address on stderr, once, as Spark logs where its UI
 * is. A UI that cannot start (every port taken) is reported there too and the context runs
 * without one: the UI is a window on the application, not a part of it.
 */
final class WebUi {
  private WebUi() {}

  static UiServer start(KindlingContext ctx, Map<String, String> conf, Engine engine,
      Supplier<List<Long>> daemonPids) {
    UiApp app = new UiApp(ctx.applicationId(), ctx.appName(), ctx.startTime(),
        System.getProperty("user.name", "unknown"), sparkVersion(conf), Map.copyOf(conf), engine,
        engine.conf().slots(), System.currentTimeMillis(), daemonPids);
    try {
      UiServer ui = UiServer.start(app);
      if (ui != null) {
        System.err.println("kindling: Spark web UI available at " + ui.url());
      }
      return ui;
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("kindling: the web UI did not start: " + e.getMessage());
      return null;
    }
  }

  /**
   * The Spark version whose protocols this context speaks (its profile, e.g. "4.2"), as the API's
   * appSparkVersion and version: what a tool reading the API should expect.
   */
  private static String sparkVersion(Map<String, String> conf) {
    String id = conf.get(dev.kindling.bridge.BridgeConfig.PROFILE);
    Profile p = id == null ? Profile.DEFAULT : Profile.parse(id);
    return p.id().substring("spark-".length());
  }
}
