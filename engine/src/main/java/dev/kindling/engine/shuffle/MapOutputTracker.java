package dev.kindling.engine.shuffle;

import dev.kindling.engine.EngineException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;

/**
 * Which map outputs of each shuffle exist. Registered outputs survive the job that wrote them, so a
 * later job skips the stage. The per-shuffle lock makes concurrent jobs that need the same shuffle
 * compute it once.
 */
public final class MapOutputTracker {
  private static final class Entry {
    final MapStatus[] outputs;
    final ReentrantLock lock = new ReentrantLock();

    Entry(int numMaps) {
      outputs = new MapStatus[numMaps];
    }
  }

  private final Map<Integer, Entry> shuffles = new ConcurrentHashMap<>();

  public void registerShuffle(int shuffleId, int numMaps) {
    shuffles.putIfAbsent(shuffleId, new Entry(numMaps));
  }

  public ReentrantLock lock(int shuffleId) {
    return entry(shuffleId).lock;
  }

  /** Replaces any earlier output of this map task, returning it so its files can go. */
  MapStatus register(int shuffleId, int mapId, MapStatus status) {
    Entry e = entry(shuffleId);
    synchronized (e) {
      MapStatus old = e.outputs[mapId];
      e.outputs[mapId] = status;
      return old;
    }
  }

  public int[] missing(int shuffleId) {
    Entry e = entry(shuffleId);
    synchronized (e) {
      return IntStream.range(0, e.outputs.length).filter(i -> e.outputs[i] == null).toArray();
    }
  }

  MapStatus get(int shuffleId, int mapId) {
    Entry e = entry(shuffleId);
    synchronized (e) {
      MapStatus s = e.outputs[mapId];
      if (s == null) {
        throw new EngineException("Missing an output location for shuffle " + shuffleId + " map " + mapId);
      }
      return s;
    }
  }

  /** Forgets one map output (as after a lost executor), so the next job recomputes it. */
  MapStatus unregisterOutput(int shuffleId, int mapId) {
    Entry e = entry(shuffleId);
    synchronized (e) {
      MapStatus s = e.outputs[mapId];
      e.outputs[mapId] = null;
      return s;
    }
  }

  /** Forgets {@code expected} only if it is still the registered output (a retry may have replaced it). */
  void unregisterIf(int shuffleId, int mapId, MapStatus expected) {
    Entry e = shuffles.get(shuffleId);
    if (e == null) {
      return;
    }
    synchronized (e) {
      if (e.outputs[mapId] == expected) {
        e.outputs[mapId] = null;
      }
    }
  }

  MapStatus[] unregisterShuffle(int shuffleId) {
    Entry e = shuffles.remove(shuffleId);
    if (e == null) {
      return new MapStatus[0];
    }
    synchronized (e) {
      return Arrays.stream(e.outputs).filter(s -> s != null).toArray(MapStatus[]::new);
    }
  }

  /**
   * Bytes that the registered map outputs hold for {@code reducer}, or -1 when the shuffle is
   * unknown. Spark prefers a reducer's location only when this is above zero.
   */
  public long bytesFor(int shuffleId, int reducer) {
    Entry e = shuffles.get(shuffleId);
    if (e == null) {
      return -1;
    }
    synchronized (e) {
      long total = 0;
      for (MapStatus s : e.outputs) {
        if (s != null && reducer < s.partitionLengths().length) {
          total += s.partitionLengths()[reducer];
        }
      }
      return total;
    }
  }

  public boolean isRegistered(int shuffleId) {
    return shuffles.containsKey(shuffleId);
  }

  private Entry entry(int shuffleId) {
    Entry e = shuffles.get(shuffleId);
    if (e == null) {
      throw new EngineException("Shuffle " + shuffleId + " is unknown or was already cleaned up");
    }
    return e;
  }
}
