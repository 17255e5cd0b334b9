package dev.kindling.gateway;

/**
 * The one error type entry-point methods throw. Its message is one sentence saying what went
 * wrong (and, where a rule applies, its id), so that the driver shows it before any stack trace.
 *
 * <p>Implements GW-4.2 and GW-5.6 (through {@link Errors}).
 */
public final class KindlingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KindlingException(String message) {
    super(message);
  }

  public KindlingException(String message, Throwable cause) {
    super(message, cause);
  }
}
