package dev.kindling.gateway;

import dev.kindling.engine.EngineException;
import dev.kindling.engine.JobCancelledException;
import dev.kindling.engine.JobFailedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/**
 * Turns whatever an entry-point method hit into a {@link KindlingException} with a one-sentence
 * message (GW-4.2). A failed job keeps the engine's message, which names the job, the stage, the
 * partition, the number of failures and the last cause, a Python traceback included (GW-5.6).
 */
final class Errors {
  private Errors() {}

  interface IoAction<T> {
    T call() throws Exception;
  }

  static <T> T call(String what, IoAction<T> action) {
    try {
      return action.call();
    } catch (Exception e) {
      throw translate(what, e);
    }
  }

  static void run(String what, Callable<?> action) {
    call(what, action::call);
  }

  static KindlingException translate(String what, Throwable e) {
    if (e instanceof KindlingException k) {
      return k;
    }
    if (e instanceof JobFailedException || e instanceof JobCancelledException) {
      return new KindlingException(e.getMessage(), e);
    }
    if (e instanceof UncheckedIOException u && u.getCause() != null) {
      return new KindlingException(what + " failed: " + u.getMessage() + " (" + u.getCause().getMessage() + ")", e);
    }
    if (e instanceof EngineException || e instanceof IllegalArgumentException
        || e instanceof IllegalStateException || e instanceof UnsupportedOperationException) {
      return new KindlingException(what + " failed: " + message(e), e);
    }
    if (e instanceof IOException) {
      return new KindlingException(what + " failed: I/O error: " + message(e), e);
    }
    return new KindlingException(what + " failed: " + e, e);
  }

  private static String message(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.getClass().getName();
  }
}
