package dev.kindling.protocol;

/**
 * The bounds a decoder checks before it allocates or reads (WRK-1.4). Defaults come from
 * {@code constants.json} {@code limits} through {@link ProtocolConstants.Limits}; tests and
 * hardened deployments override single values with the {@code with...} methods or a
 * {@link Builder}. Immutable.
 *
 * <p>Rules: maxSecretBytes WRK-2.3 / CONN-4.4, maxFrameBytes WRK-5.4, maxHeaderCount and
 * maxHeaderStringBytes WRK-4.9, maxConfEntries WRK-4.7, maxAccumulatorUpdates WRK-6.8,
 * maxInitMessageBytes WRK-4.10.2.
 */
public final class Limits {
  private static final Limits DEFAULTS = builder().build();

  private final int maxFrameBytes;
  private final int maxSecretBytes;
  private final int maxHeaderCount;
  private final int maxHeaderStringBytes;
  private final int maxConfEntries;
  private final int maxAccumulatorUpdates;
  private final int maxInitMessageBytes;

  private Limits(Builder b) {
    this.maxFrameBytes = nonNegative("maxFrameBytes", b.maxFrameBytes);
    this.maxSecretBytes = nonNegative("maxSecretBytes", b.maxSecretBytes);
    this.maxHeaderCount = nonNegative("maxHeaderCount", b.maxHeaderCount);
    this.maxHeaderStringBytes = nonNegative("maxHeaderStringBytes", b.maxHeaderStringBytes);
    this.maxConfEntries = nonNegative("maxConfEntries", b.maxConfEntries);
    this.maxAccumulatorUpdates = nonNegative("maxAccumulatorUpdates", b.maxAccumulatorUpdates);
    this.maxInitMessageBytes = nonNegative("maxInitMessageBytes", b.maxInitMessageBytes);
  }

  private static int nonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + value);
    }
    return value;
  }

  /** The limits of {@code constants.json}. */
  public static Limits defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder pre-filled with this instance's values. */
  public Builder toBuilder() {
    return new Builder()
        .maxFrameBytes(maxFrameBytes)
        .maxSecretBytes(maxSecretBytes)
        .maxHeaderCount(maxHeaderCount)
        .maxHeaderStringBytes(maxHeaderStringBytes)
        .maxConfEntries(maxConfEntries)
        .maxAccumulatorUpdates(maxAccumulatorUpdates)
        .maxInitMessageBytes(maxInitMessageBytes);
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  public int maxSecretBytes() {
    return maxSecretBytes;
  }

  public int maxHeaderCount() {
    return maxHeaderCount;
  }

  public int maxHeaderStringBytes() {
    return maxHeaderStringBytes;
  }

  public int maxConfEntries() {
    return maxConfEntries;
  }

  public int maxAccumulatorUpdates() {
    return maxAccumulatorUpdates;
  }

  public int maxInitMessageBytes() {
    return maxInitMessageBytes;
  }

  public Limits withMaxFrameBytes(int v) {
    return toBuilder().maxFrameBytes(v).build();
  }

  public Limits withMaxSecretBytes(int v) {
    return toBuilder().maxSecretBytes(v).build();
  }

  public Limits withMaxHeaderCount(int v) {
    return toBuilder().maxHeaderCount(v).build();
  }

  public Limits withMaxHeaderStringBytes(int v) {
    return toBuilder().maxHeaderStringBytes(v).build();
  }

  public Limits withMaxConfEntries(int v) {
    return toBuilder().maxConfEntries(v).build();
  }

  public Limits withMaxAccumulatorUpdates(int v) {
    return toBuilder().maxAccumulatorUpdates(v).build();
  }

  public Limits withMaxInitMessageBytes(int v) {
    return toBuilder().maxInitMessageBytes(v).build();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Limits)) {
      return false;
    }
    Limits l = (Limits) o;
    return maxFrameBytes == l.maxFrameBytes
        && maxSecretBytes == l.maxSecretBytes
        && maxHeaderCount == l.maxHeaderCount
        && maxHeaderStringBytes == l.maxHeaderStringBytes
        && maxConfEntries == l.maxConfEntries
        && maxAccumulatorUpdates == l.maxAccumulatorUpdates
        && maxInitMessageBytes == l.maxInitMessageBytes;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        maxFrameBytes, maxSecretBytes, maxHeaderCount, maxHeaderStringBytes, maxConfEntries,
        maxAccumulatorUpdates, maxInitMessageBytes);
  }

  @Override
  public String toString() {
    return "Limits{maxFrameBytes=" + maxFrameBytes
        + ", maxSecretBytes=" + maxSecretBytes
        + ", maxHeaderCount=" + maxHeaderCount
        + ", maxHeaderStringBytes=" + maxHeaderStringBytes
        + ", maxConfEntries=" + maxConfEntries
        + ", maxAccumulatorUpdates=" + maxAccumulatorUpdates
        + ", maxInitMessageBytes=" + maxInitMessageBytes + "}";
  }

  /** Mutable builder; starts from the defaults. */
  public static final class Builder {
    private int maxFrameBytes = ProtocolConstants.Limits.MAX_FRAME_BYTES;
    private int maxSecretBytes = ProtocolConstants.Limits.MAX_SECRET_BYTES;
    private int maxHeaderCount = ProtocolConstants.Limits.MAX_HEADER_COUNT;
    private int maxHeaderStringBytes = ProtocolConstants.Limits.MAX_HEADER_STRING_BYTES;
    private int maxConfEntries = ProtocolConstants.Limits.MAX_CONF_ENTRIES;
    private int maxAccumulatorUpdates = ProtocolConstants.Limits.MAX_ACCUMULATOR_UPDATES;
    private int maxInitMessageBytes = ProtocolConstants.Limits.MAX_INIT_MESSAGE_BYTES;

    private Builder() {}

    public Builder maxFrameBytes(int v) {
      maxFrameBytes = v;
      return this;
    }

    public Builder maxSecretBytes(int v) {
      maxSecretBytes = v;
      return this;
    }

    public Builder maxHeaderCount(int v) {
      maxHeaderCount = v;
      return this;
    }

    public Builder maxHeaderStringBytes(int v) {
      maxHeaderStringBytes = v;
      return this;
    }

    public Builder maxConfEntries(int v) {
      maxConfEntries = v;
      return this;
    }

    public Builder maxAccumulatorUpdates(int v) {
      maxAccumulatorUpdates = v;
      return this;
    }

    public Builder maxInitMessageBytes(int v) {
      maxInitMessageBytes = v;
      return this;
    }

    public Limits build() {
      return new Limits(this);
    }
  }
}
