package dev.kindling.tck.driver;

import static dev.kindling.tck.driver.DriverUnderTest.attach;
import static dev.kindling.tck.driver.DriverUnderTest.check;
import static dev.kindling.tck.driver.DriverUnderTest.scenario;

import dev.kindling.tck.py4j.Py4JText;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * gateway.md section 1, server modes, as the driver's side of them (GW-1.3): py4j's
 * {@code ClientServer} when threads are pinned, {@code JavaGateway} when not, both with
 * {@code auto_convert}; the {@code threads} scenario of the driver program.
 */
interface GatewayServerModeRules extends DriverSection {
  /**
   * GW-1.3: pinned ({@code PYSPARK_PIN_THREAD=true}): py4j's ClientServer gives every Python
   * thread its own connection (a thread-local one), so the second thread's call comes on a new
   * connection and the main thread's later calls on its first one. (py4j's finalizer thread may
   * open one more connection for its memory commands; only connections with calls count.)
   */
  @Test
  default void required_GW_1_3_pinnedThreadsGetTheirOwnConnection() {
    FakePy4JServer server = drv().newServer();
    DriverRun r = runThreads(server, true);
    List<FakePy4JServer.Call> v = versionCalls(server);
    check(v.get(1).connection() != v.get(0).connection(), "GW-1.3",
        "with PYSPARK_PIN_THREAD=true a second thread's call came on the main thread's connection:"
            + " the driver does not connect with ClientServer (pinned threads)" + describe(v));
    check(v.get(2).connection() == v.get(0).connection(), "GW-1.3",
        "with PYSPARK_PIN_THREAD=true the main thread's later call did not come on its own connection" + describe(v));
    long withCalls = server.calls.stream().filter(c -> !c.command().is(Py4JText.MEMORY))
        .map(FakePy4JServer.Call::connection).distinct().count();
    check(withCalls == 2, "GW-1.3", "expected 2 connections with calls (one per thread), got " + withCalls
        + describe(server.calls));
    checkListAutoConverted(server, r);
  }

  /**
   * GW-1.3: unpinned ({@code PYSPARK_PIN_THREAD=false}): py4j's JavaGateway keeps a pool of
   * connections, so sequential calls from different threads share one authenticated connection.
   */
  @Test
  default void required_GW_1_3_unpinnedCallsShareOnePooledConnection() {
    FakePy4JServer server = drv().newServer();
    DriverRun r = runThreads(server, false);
    long conns = server.calls.stream().map(FakePy4JServer.Call::connection).distinct().count();
    check(conns == 1 && server.handshakes.size() == 1, "GW-1.3",
        "with PYSPARK_PIN_THREAD=false sequential calls from two threads used " + server.handshakes.size()
            + " connections: the driver does not connect with JavaGateway" + describe(server.calls));
    checkListAutoConverted(server, r);
  }

  /** Runs the {@code threads} scenario with PYSPARK_PIN_THREAD set as given. */
  private DriverRun runThreads(FakePy4JServer server, boolean pinned) {
    Map<String, String> env = attach(server, true);
    env.put("PYSPARK_PIN_THREAD", Boolean.toString(pinned));
    DriverRun r = drv().runDriver(FakeJvm.Behaviour.PUBLISH, server, scenario("threads", env));
    check(r.exit == 0 && FakePy4JServer.VERSION.equals(r.value("main"))
        && FakePy4JServer.VERSION.equals(r.value("thread")), "GW-1.3",
        "the driver did not make the scenario's calls from the main and a second thread: " + r);
    check(versionCalls(server).size() == 3, "GW-1.3",
        "expected three version() calls (main thread, second thread, main thread with a list), got:"
            + describe(server.calls) + "\n" + r);
    return r;
  }

  /** The commands of the run's {@code version()} calls, and the connection each came on. */
  private static List<FakePy4JServer.Call> versionCalls(FakePy4JServer server) {
    return server.calls.stream().filter(FakePy4JServer.Call::isVersion).toList();
  }

  private static String describe(List<FakePy4JServer.Call> calls) {
    StringBuilder b = new StringBuilder();
    for (FakePy4JServer.Call c : calls) {
      b.append("\n  connection ").append(c.connection()).append(": ").append(c.text().replace("\n", "\\n"));
    }
    return b.toString();
  }

  /**
   * GW-1.3 (auto_convert=True): py4j turns a Python list argument into
   * {@code i java.util.ArrayList}, one {@code add} per element, then passes the reference.
   */
  private static void checkListAutoConverted(FakePy4JServer server, DriverRun r) {
    List<String> withList = versionCalls(server).get(2).command().callArgs();
    String ref = withList.size() == 1 && withList.get(0).startsWith("r") ? Py4JText.untyped(withList.get(0)) : null;
    check(ref != null && "java.util.ArrayList".equals(server.created.get(ref)), "GW-1.3",
        "version([1, 2]) did not pass a java.util.ArrayList built by auto_convert=True"
            + " (expected 'i' java.util.ArrayList, two 'add' calls, then the reference):" + describe(server.calls));
    List<String> adds = server.calls.stream()
        .map(FakePy4JServer.Call::command)
        .filter(c -> c.isCall(ref, "add") && c.lines().size() > 3)
        .map(c -> String.join("\n", c.callArgs()))
        .toList();
    check(adds.equals(List.of("i1", "i2")), "GW-1.3",
        "the auto-converted list did not get add(1), add(2); got " + adds + ":" + describe(server.calls));
    check(r.value("list") != null, "GW-1.3", "the call with a list argument did not return: " + r);
  }
}
