package dev.kindling.bridge.launch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Idle workers of one factory, most recently released last. Implements WRK-3.14 (liveness check
 * before reuse), WRK-3.16 (idle expiry) and Spark 4.1's optional maximum pool size (the oldest idle
 * worker is evicted). Methods return the workers to close so that no process is touched under the
 * lock.
 */
public final class IdleWorkerPool {
  private final ArrayDeque<PythonWorker> idle = new ArrayDeque<>();
  private final long idleTimeoutNanos;
  private final int maxSize;

  public IdleWorkerPool(long idleTimeoutNanos, int maxSize) {
    this.idleTimeoutNanos = idleTimeoutNanos;
    this.maxSize = maxSize;
  }

  /** The most recently released worker that still looks reusable, or null; dead ones go to {@code dead}. */
  public PythonWorker take(List<PythonWorker> dead) {
    while (true) {
      PythonWorker w;
      synchronized (this) {
        w = idle.pollLast();
      }
      if (w == null) {
        return null;
      }
      if (w.looksReusable()) {
        return w;
      }
      dead.add(w);
    }
  }

  /** Adds a worker; returns the workers evicted to respect the maximum size. */
  public synchronized List<PythonWorker> put(PythonWorker w, long nowNanos) {
    w.idleSinceNanos = nowNanos;
    idle.addLast(w);
    List<PythonWorker> evicted = new ArrayList<>();
    while (maxSize > 0 && idle.size() > maxSize) {
      evicted.add(idle.pollFirst());
    }
    return evicted;
  }

  /** Removes and returns the workers idle for longer than the idle timeout. */
  public synchronized List<PythonWorker> expire(long nowNanos) {
    List<PythonWorker> out = new ArrayList<>();
    for (Iterator<PythonWorker> it = idle.iterator(); it.hasNext(); ) {
      PythonWorker w = it.next();
      if (nowNanos - w.idleSinceNanos >= idleTimeoutNanos) {
        it.remove();
        out.add(w);
      }
    }
    return out;
  }

  public synchronized List<PythonWorker> drain() {
    List<PythonWorker> out = new ArrayList<>(idle);
    idle.clear();
    return out;
  }

  public synchronized int size() {
    return idle.size();
  }
}
