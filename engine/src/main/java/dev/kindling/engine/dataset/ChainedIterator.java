package dev.kindling.engine.dataset;

import dev.kindling.engine.EngineException;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The elements of {@code count} iterators in turn, each opened only when the one before it is
 * exhausted, so a partition is computed (or a job run) only when its elements are wanted.
 */
public final class ChainedIterator implements Iterator<Object> {
  /** Opens the {@code i}-th iterator. */
  public interface Opener {
    Iterator<Object> open(int i) throws Exception;
  }

  private final int count;
  private final Opener opener;
  private final String failure;
  private int next;
  private Iterator<Object> current = Collections.emptyIterator();

  /** {@code failure} starts the message of the EngineException wrapping a checked exception. */
  public ChainedIterator(int count, Opener opener, String failure) {
    this.count = count;
    this.opener = opener;
    this.failure = failure;
  }

  @Override
  public boolean hasNext() {
    while (!current.hasNext() && next < count) {
      try {
        current = opener.open(next++);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new EngineException(failure + ": " + e.getMessage(), e);
      }
    }
    return current.hasNext();
  }

  @Override
  public Object next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return current.next();
  }
}
