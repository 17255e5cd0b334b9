package dev.kindling.gateway;

import dev.kindling.protocol.Profile;
import java.util.Map;

/**
 * The Py4J entry point (object id {@code t}) that Python drivers code against.
 *
 * <p>Implements GW-4.1 and GW-5.1 (one context at a time; {@code spark.master} checked by
 * {@link ContextConf}).
 */
public final class KindlingEntryPoint implements AutoCloseable {
  private final Profile profile;
  private KindlingContext active;

  public KindlingEntryPoint(Profile profile) {
    this.profile = profile;
  }

  /** The Kindling version string. */
  public String version() {
    return KindlingVersion.get();
  }

  /** The worker profile id in use, e.g. {@code "spark-4.2"}. */
  public String protocolProfile() {
    return profile.id();
  }

  /** Creates the context; refuses while another one runs (GW-5.1). */
  public synchronized KindlingContext createContext(Map<String, String> conf) {
    if (active != null && !active.isStopped()) {
      throw new KindlingException("GW-5.1: a context is already running (" + active.applicationId()
          + "); stop it before creating another");
    }
    ContextConf cc = ContextConf.from(conf, profile);
    KindlingContext[] holder = new KindlingContext[1];
    KindlingContext ctx = new KindlingContext(cc, () -> cleared(holder[0]));
    holder[0] = ctx;
    active = ctx;
    return ctx;
  }

  /** The running context, or null. */
  public synchronized KindlingContext activeContext() {
    return active != null && !active.isStopped() ? active : null;
  }

  private synchronized void cleared(KindlingContext ctx) {
    if (active == ctx) {
      active = null;
    }
  }

  /** Stops the running context, its workers included; idempotent. */
  @Override
  public void close() {
    KindlingContext ctx;
    synchronized (this) {
      ctx = active;
    }
    if (ctx != null) {
      ctx.stop();
    }
  }
}
