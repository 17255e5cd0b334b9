package dev.kindling.tck.py4j;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The TCK's one Py4J codec and client: Py4J's text protocol on a raw socket, so that the kit sees
 * every byte a gateway sends (a library client would hide malformed replies). Every Py4J command
 * the kit sends, and every reply its fake server (target {@code driver}) writes, is spelled here.
 * Commands are LF-terminated lines ending with {@code e}; a reply is one line,
 * {@code !y<type><value>} or {@code !x<error>}:
 *
 * <pre>
 *   auth:       A\n&lt;secret&gt;\n                          → !yv
 *   call:       c\n&lt;target&gt;\n&lt;method&gt;\n&lt;arg&gt;*\ne\n   → !ys&lt;escaped string&gt; | !yro&lt;id&gt; | !xr&lt;id&gt; ...
 *   construct:  i\n&lt;class&gt;\n&lt;arg&gt;*\ne\n               → !yro&lt;id&gt;
 *   array len:  a\ne\n&lt;array id&gt;\ne\n                    → !yi&lt;n&gt;
 *   array get:  a\ng\n&lt;array id&gt;\ni&lt;index&gt;\ne\n         → !y&lt;typed element&gt;
 * </pre>
 *
 * Arguments and values are typed by their first character ({@code s} string, {@code i} int,
 * {@code L} long, {@code b} boolean, {@code r} reference, {@code n} null, {@code v} void). String
 * values escape backslash, CR and LF ({@link #escape}). Reads use the socket's timeout.
 */
public final class Py4JText {
  /** First line of the authentication command. */
  public static final String AUTH = "A";
  /** Command kinds (the first line of a command). */
  public static final String CALL = "c";
  public static final String CONSTRUCT = "i";
  public static final String MEMORY = "m";
  /** The line that ends a command. */
  public static final String END = "e";

  private Py4JText() {}

  // -- client side ---------------------------------------------------------------------------------

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
    return readLine(new ResetAsEnd(s.getInputStream()), Integer.MAX_VALUE);
  }

  /**
   * One line without its LF, or the first {@code maxBytes + 1} bytes of a longer one; null at end
   * of stream before any byte. Errors of {@code in} propagate.
   */
  public static String readLine(InputStream in, int maxBytes) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
      }
      if (c == '\n') {
        return b.toString(StandardCharsets.UTF_8);
      }
      b.write(c);
      if (b.size() > maxBytes) {
        return b.toString(StandardCharsets.UTF_8);
      }
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
    return AUTH + "\n" + secret + "\n";
  }

  /** The text of {@code c <target> <method> <typed args...> e}. */
  public static String callText(String target, String method, String... typedArgs) {
    StringBuilder b = new StringBuilder(CALL).append('\n').append(target).append('\n').append(method).append('\n');
    for (String a : typedArgs) {
      b.append(a).append('\n');
    }
    return b.append(END).append('\n').toString();
  }

  /** {@code c <target> <method> <typed args...> e}; the raw reply line. */
  public static String call(Socket s, String target, String method, String... typedArgs) throws IOException {
    send(s, callText(target, method, typedArgs));
    return readLine(s);
  }

  /** {@code i <class> e}: constructs {@code className} with no arguments; the raw reply line. */
  public static String construct(Socket s, String className) throws IOException {
    send(s, CONSTRUCT + "\n" + className + "\n" + END + "\n");
    return readLine(s);
  }

  /** {@code a e <array> e}: the length of the array {@code arrayId}; the raw reply line. */
  public static String arrayLength(Socket s, String arrayId) throws IOException {
    send(s, "a\ne\n" + arrayId + "\n" + END + "\n");
    return readLine(s);
  }

  /** {@code a g <array> i<index> e}: element {@code index} of the array {@code arrayId}; the raw reply line. */
  public static String arrayGet(Socket s, String arrayId, int index) throws IOException {
    send(s, "a\ng\n" + arrayId + "\ni" + index + "\n" + END + "\n");
    return readLine(s);
  }

  // -- replies -------------------------------------------------------------------------------------

  /** The success reply line with {@code typedValue}, without its LF (as {@link #readLine} returns it). */
  public static String yes(String typedValue) {
    return "!y" + typedValue;
  }

  /** A success reply ({@code !y...}). */
  public static boolean isSuccess(String reply) {
    return reply != null && reply.startsWith("!y");
  }

  /** A success reply with a string value ({@code !ys...}). */
  public static boolean isString(String reply) {
    return reply != null && reply.startsWith("!ys");
  }

  /** The throwable's object id of an error reply {@code !xr<id>}; null for any other reply. */
  public static String errorReference(String reply) {
    return reply != null && reply.startsWith("!xr") ? reply.substring(3) : null;
  }

  /** An error reply ({@code !x...}). */
  public static boolean isError(String reply) {
    return reply != null && reply.startsWith("!x");
  }

  /** The reply line a server writes for a success with {@code typedValue} ({@code v} for void). */
  public static String success(String typedValue) {
    return yes(typedValue) + "\n";
  }

  /** The reply line a server writes for an error with {@code typedValue}. */
  public static String error(String typedValue) {
    return "!x" + typedValue + "\n";
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

  // -- commands as a server receives them ----------------------------------------------------------

  /** A command's lines as received, without the final {@code e}. */
  public record Command(List<String> lines) {
    public Command {
      lines = List.copyOf(lines);
    }

    /** The lines of {@code text} (joined by LF, no final {@code e}). */
    public static Command parse(String text) {
      return new Command(List.of(text.split("\n", -1)));
    }

    /** A command of {@code kind} with at least one more line. */
    public boolean is(String kind) {
      return lines.size() >= 2 && lines.get(0).equals(kind);
    }

    /** {@code c <target> <method> ...}. */
    public boolean isCall(String target, String method) {
      return lines.size() >= 3 && lines.get(0).equals(CALL) && lines.get(1).equals(target)
          && lines.get(2).equals(method);
    }

    /** {@code c <any target> <method> ...}. */
    public boolean isCallOf(String method) {
      return lines.size() >= 3 && lines.get(0).equals(CALL) && lines.get(2).equals(method);
    }

    /** The typed arguments of a call (the lines after the method). */
    public List<String> callArgs() {
      return lines.size() <= 3 ? List.of() : lines.subList(3, lines.size());
    }

    /** The class of a constructor command {@code i <class> ...}. */
    public String constructedClass() {
      return lines.get(1);
    }
  }

  /** A typed value without its type character ({@code i8080} → {@code 8080}). */
  public static String untyped(String typed) {
    return typed.substring(1);
  }

  /** The socket's stream with a reset by the peer read as end of stream; a timeout propagates. */
  private static final class ResetAsEnd extends FilterInputStream {
    ResetAsEnd(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (SocketTimeoutException e) {
        throw e;
      } catch (IOException e) {
        return -1;
      }
    }
  }
}
