package dev.kindling.gateway.ui;

import dev.kindling.engine.Engine;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the UI and the REST API show about the running application: its identity, its settings and
 * the engine whose status store and block store they read. {@code pythonDaemons} lists the pids of
 * the live worker daemons (one per interpreter and environment).
 */
public record UiApp(String appId, String appName, long startTime, String sparkUser, String sparkVersion,
    Map<String, String> conf, Engine engine, int cores, long startedMillis, Supplier<List<Long>> pythonDaemons) {}
