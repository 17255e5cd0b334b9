package dev.kindling.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Py4JHandshakeTest {
  private static final String SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  private static final class Result {
    Py4JHandshake.Outcome outcome;
    String reply;
    int unread;
  }

  private static Result run(String input, int maxLine) throws IOException {
    InputStream in = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Result r = new Result();
    r.outcome = new Py4JHandshake(SECRET, maxLine).exchange(in, out);
    r.reply = out.toString(StandardCharsets.UTF_8);
    r.unread = in.available();
    return r;
  }

  @Test
  void GW_2_2_rightSecretRepliesYvAndConsumesNothingAfterIt() throws IOException {
    Result r = run("A\n" + SECRET + "\nc\nt\nversion\ne\n", 65536);
    assertThat(r.outcome).isEqualTo(Py4JHandshake.Outcome.ACCEPTED);
    assertThat(r.reply).isEqualTo("!yv\n");
    assertThat(r.unread).isEqualTo("c\nt\nversion\ne\n".length());
  }

  @Test
  void GW_2_1_crlfLineEndsAreAccepted() throws IOException {
    assertThat(run("A\r\n" + SECRET + "\r\n", 65536).outcome)
        .isEqualTo(Py4JHandshake.Outcome.ACCEPTED);
  }

  @Test
  void GW_2_3_wrongSecretRejectedWithPy4JsErrorLine() throws IOException {
    Result r = run("A\nwrong\nc\nt\nversion\ne\n", 65536);
    assertThat(r.outcome).isEqualTo(Py4JHandshake.Outcome.WRONG_SECRET);
    assertThat(r.reply).isEqualTo("!xsAuthentication error: bad auth token received.\n");
  }

  @Test
  void GW_2_3_emptySecretAndSecretPrefixRejected() throws IOException {
    assertThat(run("A\n\n", 65536).outcome).isEqualTo(Py4JHandshake.Outcome.WRONG_SECRET);
    assertThat(run("A\n" + SECRET.substring(1) + "\n", 65536).outcome)
        .isEqualTo(Py4JHandshake.Outcome.WRONG_SECRET);
    assertThat(run("A\n" + SECRET + " \n", 65536).outcome)
        .isEqualTo(Py4JHandshake.Outcome.WRONG_SECRET);
  }

  @Test
  void GW_2_3_missingSecretIsAClose() throws IOException {
    assertThat(run("A\n", 65536).outcome).isEqualTo(Py4JHandshake.Outcome.CLOSED);
    assertThat(run("", 65536).outcome).isEqualTo(Py4JHandshake.Outcome.CLOSED);
  }

  @Test
  void GW_2_4_commandBeforeAuthRejected() throws IOException {
    Result r = run("c\nz:java.lang.System\nexit\ni3\ne\n", 65536);
    assertThat(r.outcome).isEqualTo(Py4JHandshake.Outcome.UNEXPECTED_COMMAND);
    assertThat(r.reply).isEqualTo("!xsAuthentication error: unexpected command.\n");
  }

  @Test
  void GW_2_5_oversizedSecretLineRejectedWithoutReadingItAll() throws IOException {
    String huge = "a".repeat(1000);
    Result r = run("A\n" + huge + "\n", 100);
    assertThat(r.outcome).isEqualTo(Py4JHandshake.Outcome.LINE_TOO_LONG);
    assertThat(r.reply).startsWith("!x");
    assertThat(r.unread).isGreaterThan(800);
  }

  @Test
  void GW_2_5_oversizedFirstLineRejected() throws IOException {
    assertThat(run("x".repeat(200) + "\n", 100).outcome)
        .isEqualTo(Py4JHandshake.Outcome.LINE_TOO_LONG);
  }

  @Test
  void GW_2_5_lineOfExactlyTheLimitIsRead() throws IOException {
    assertThat(run("A\n" + "b".repeat(100) + "\n", 100).outcome)
        .isEqualTo(Py4JHandshake.Outcome.WRONG_SECRET);
  }
}
