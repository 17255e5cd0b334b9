package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.GatewayUnderTest.check;

import dev.kindling.tck.conninfo.PublishedConnInfo;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.protocol.property.Property;
import dev.kindling.protocol.property.PropertyFailure;
import dev.kindling.tck.py4j.Py4JText;
import dev.kindling.tck.support.Procs;
import dev.kindling.tck.RuleFailure;
import java.io.IOException;
import java.net.Socket;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * gateway.md section 2, authentication, as the JVM's side of it (GW-2.2..2.6).
 *
 * <p>"No command ran" is proven with a side effect: the probe command is
 * {@code System.setProperty(k, "1")} (a static call on {@code z:java.lang.System}); afterwards an
 * authenticated connection reads {@code getProperty(k)}, which must be null. The same probe run
 * after a right secret must set the property, so the check cannot pass vacuously.
 */
interface AuthenticationRules extends GatewaySection {
  /** GW-2.2: the right secret gets exactly "!yv" and the connection stays open for commands. */
  @Test
  default void required_GW_2_2_rightSecretAccepted() throws IOException {
    String key = "kindling.tck.probe." + UUID.randomUUID();
    try (Socket s = gw().connect()) {
      Py4JText.send(s, Py4JText.auth(gw().published().secret));
      String line = Py4JText.readLine(s);
      check(Py4JText.yes("v").equals(line), "GW-2.2", "reply " + line + " to the right secret, expected !yv");
      Py4JText.send(s, setProperty(key));
      String r = Py4JText.readLine(s);
      check(Py4JText.isSuccess(r), "GW-2.2", "a command after authentication got " + r);
    }
    check(Py4JText.yes("s1").equals(getProperty(key)), "GW-2.2", "the probe command did not take effect after the right secret");
  }

  /** GW-2.3: a wrong or empty secret: error line, close, the next command never runs (property). */
  @Test
  default void required_GW_2_3_wrongSecretRejected() {
    String right = gw().published().secret;
    Gen<String> wrong = Gens.oneOf(
        Gens.constant(""),
        Gens.integers(0, right.length() - 1).map(i -> {
          char[] c = right.toCharArray();
          c[i] = c[i] == 'a' ? 'b' : 'a';
          return new String(c);
        }),
        Gens.constant(right.substring(0, right.length() - 1)),
        Gens.strings(40).filter(x -> !x.contains("\n")));
    try {
      Property.forAll(wrong.filter(w -> !w.equals(right))).tries(5).maxShrinkAttempts(10)
          .checkAssert(w -> expectRejectedWithoutEffect("GW-2.3", Py4JText.auth(w), true));
    } catch (PropertyFailure f) {
      throw new RuleFailure("GW-2.3", f.getMessage(), f);
    }
  }

  /** GW-2.4: a command before authentication is not executed: error line and close. */
  @Test
  default void required_GW_2_4_commandBeforeAuthRejected() throws IOException {
    expectRejectedWithoutEffect("GW-2.4", "", true);
  }

  /** GW-2.5: a secret line longer than maxGatewayLineBytes is rejected without executing anything. */
  @Test
  default void required_GW_2_5_oversizedSecretLineRejected() throws IOException {
    expectRejectedWithoutEffect("GW-2.5", Py4JText.auth("a".repeat(65_537)), false);
  }

  /** GW-2.6: the secret is not in the JVM's command line nor on its standard error. */
  @Test
  default void required_GW_2_6_secretNotInCommandLineOrLogs() {
    PublishedConnInfo g = gw().published();
    if (Procs.available()) {
      check(!Procs.cmdline(g.process.process().pid()).contains(g.secret), "GW-2.6", "secret in the JVM's command line");
    }
    check(!g.process.stderrTail().contains(g.secret), "GW-2.6", "secret written to the JVM's standard error");
  }

  /** The probe: {@code System.setProperty(key, "1")}. */
  private static String setProperty(String key) {
    return Py4JText.callText("z:java.lang.System", "setProperty", "s" + key, "s1");
  }

  /** Value of a system property through an authenticated connection ("!yn" is null). */
  private String getProperty(String key) throws IOException {
    try (Socket s = gw().session()) {
      return Py4JText.call(s, "z:java.lang.System", "getProperty", "s" + key);
    }
  }

  /** Sends {@code prefix} and the probe on a new connection; expects an error line (or a close) and no side effect. */
  private void expectRejectedWithoutEffect(String rule, String prefix, boolean errorLineRequired) throws IOException {
    String key = "kindling.tck.probe." + UUID.randomUUID();
    try (Socket s = gw().connect()) {
      Py4JText.send(s, prefix + setProperty(key));
      String line = Py4JText.readLine(s);
      if (errorLineRequired) {
        check(Py4JText.isError(line), rule, "reply " + line + ", expected an error line starting !x");
      } else {
        check(line == null || Py4JText.isError(line), rule, "reply " + line + ", expected an error line or a close");
      }
      check(Py4JText.closedAfter(s), rule, "the connection stayed open after the rejection");
    }
    String v = getProperty(key);
    check(Py4JText.yes("n").equals(v), rule, "the command sent on the rejected connection ran (property now " + v + ")");
  }
}
