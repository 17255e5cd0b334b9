package dev.kindling.tck.py4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The TCK's one Py4J client: Py4J's text protocol on a raw socket, so that the kit sees every byte
 * a gateway sends (a library client would hide malformed replies). Commands are LF-terminated
 * lines ending with {@code e}; a reply is one line, {@code !y<type><value>} or {@code !x<error>}:
 *
 * <pre>
 *   auth:       A\n&lt;secret&gt;\n                          → !yv
 *   call:       c\n&lt;target&gt;\n&lt;method&gt;\n&lt;arg&gt;*\ne\n   → !ys&lt;escaped string&gt; | !yro&lt;id&gt; | !xr&lt;id&gt; ...
 *   construct:  i\n&lt;class&gt;\n&lt;arg&gt;*\ne\n               → !yro&lt;id&gt;
 * </pre>
 *
 * String values escape backslash, CR and LF ({@link #escape}). Reads use the socket's timeout.
 */
public final class Py4JText {
  private Py4JText() {}

  /** Writes {@code text} (UTF-8) and flushes. */
  public static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    s.getOutputStream().flush();
  }

  /**
   * One reply line without its LF; null at end of stream (a reset by the peer counts as closed).
   * A read timeout propagates.
   */
  public static String readLine(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c;
      try {
        c = in.read();
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        c = -1;
      }
      if (c < 0) {
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
      }
      if (c == '\n') {
        return b.toString(StandardCharsets.UTF_8);
      }
      b.write(c);
    }
  }

  /** True when the peer closes (or resets) within the socket's timeout without sending more. */
  public static boolean closedAfter(Socket s) throws IOException {
    try {
      int c = s.getInputStream().read();
      return c < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** The authentication command for {@code secret}. */
  public static String auth(String secret) {
    return "A\n" + secret + "\n";
  }

  /** {@code c <target> <method> <typed args...> e}; the raw reply line. */
  public static String call(Socket s, String target, String method, String... typedArgs) throws IOException {
    StringBuilder b = new StringBuilder("c\n").append(target).append('\n').append(method).append('\n');
    for (String a : typedArgs) {
      b.append(a).append('\n');
    }
    send(s, b.append("e\n").toString());
    return readLine(s);
  }

  /** {@code i <class> e}: constructs {@code className} with no arguments; the raw reply line. */
  public static String construct(Socket s, String className) throws IOException {
    send(s, "i\n" + className + "\ne\n");
    return readLine(s);
  }

  /** Escapes a Py4J string value (backslash, CR, LF; nothing else). */
  public static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n");
  }

  /** Undoes {@link #escape}. */
  public static String unescape(String v) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '\\' && i + 1 < v.length()) {
        char n = v.charAt(++i);
        b.append(n == 'n' ? '\n' : n == 'r' ? '\r' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
