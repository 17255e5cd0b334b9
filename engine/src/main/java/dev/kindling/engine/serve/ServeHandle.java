package dev.kindling.engine.serve;

import dev.kindling.engine.EngineException;
import dev.kindling.engine.JobFailedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A one-shot authenticated loopback server that is waiting for its single client: the port and
 * secret to hand to the Python driver, and the outcome of serving.
 */
public final class ServeHandle<T> {
  private final int port;
  private final String secret;
  private final CompletableFuture<T> result;

  ServeHandle(int port, String secret, CompletableFuture<T> result) {
    this.port = port;
    this.secret = secret;
    this.result = result;
  }

  public int port() {
    return port;
  }

  public String secret() {
    return secret;
  }

  /** Waits for the server to finish and returns its result, or rethrows what went wrong. */
  public T getResult() {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted while waiting for the serving thread", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  /** Like {@link #getResult()}, giving up after {@code timeout}. */
  public T getResult(Duration timeout) throws TimeoutException {
    try {
      return result.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EngineException("interrupted while waiting for the serving thread", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    }
  }

  public boolean isDone() {
    return result.isDone();
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException r) {
      return r;
    }
    return new EngineException(JobFailedException.describe(cause), cause);
  }
}
