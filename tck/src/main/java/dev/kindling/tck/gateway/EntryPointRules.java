package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.GatewayUnderTest.check;

import dev.kindling.tck.NothingObserved;
import dev.kindling.tck.py4j.Py4JText;
import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/**
 * gateway.md section 4, the entry point: {@code version()} and {@code protocolProfile()} (GW-4.1)
 * and one-sentence errors (GW-4.2), as raw Py4J commands on the entry point {@code t}.
 */
interface EntryPointRules extends GatewaySection {
  /** GW-4.1: version() and protocolProfile() on the entry point {@code t}. */
  @Test
  default void required_GW_4_1_versionAndProfile() throws IOException {
    try (Socket s = gw().session()) {
      String v = Py4JText.call(s, "t", "version");
      check(Py4JText.isString(v) && v.length() > 3, "GW-4.1", "version() returned " + v);
      String p = Py4JText.call(s, "t", "protocolProfile");
      String profile = gw().config().profile().id();
      check(Py4JText.yes("s" + profile).equals(p), "GW-4.1",
          "protocolProfile() returned " + p + ", expected " + profile + " (launched with KINDLING_PROFILE)");
    }
  }

  /**
   * GW-4.2: an entry-point error reaches the client as a Py4J error whose message is one sentence:
   * {@code createContext({"spark.master": "bogus[7]"})} (rejected by GW-5.1) through raw commands
   * ({@code i\njava.util.HashMap}, {@code put}, {@code createContext}, then {@code getMessage} on
   * the returned throwable reference).
   */
  @Test
  default void required_GW_4_2_errorsAreOneSentence() throws IOException {
    try (Socket s = gw().session()) {
      String map = Py4JText.construct(s, "java.util.HashMap");
      NothingObserved.unless(Py4JText.isSuccess(map) && map.length() > 3,
          "the gateway does not construct java.util.HashMap: " + map);
      String ref = map.substring(3);
      Py4JText.call(s, ref, "put", "sspark.master", "sbogus[7]");
      String err = Py4JText.call(s, "t", "createContext", "r" + ref);
      check(Py4JText.isError(err), "GW-4.2", "createContext with spark.master bogus[7] did not fail as a Py4J error: " + err);
      String message;
      String throwable = Py4JText.errorReference(err);
      if (throwable != null) {
        String m = Py4JText.call(s, throwable, "getMessage");
        check(Py4JText.isString(m), "GW-4.2", "the error has no message: " + m);
        message = m.substring(3);
      } else {
        message = err.length() > 3 ? err.substring(3) : "";
      }
      check(!message.isBlank(), "GW-4.2", "empty error message");
      check(!message.contains("\\n"), "GW-4.2", "the message spans several lines: " + message);
      check(!message.matches("^[\\w.$]+(Exception|Error)(:.*)?$"), "GW-4.2",
          "the message is an exception class name, not a sentence: " + message);
      check(message.length() <= 400, "GW-4.2", "the message is longer than a sentence: " + message);
    }
  }
}
