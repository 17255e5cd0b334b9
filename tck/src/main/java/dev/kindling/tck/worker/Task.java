package dev.kindling.tck.worker;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolConstants.SpecialLengths;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.header.TaskHeaderCodec;
import dev.kindling.protocol.io.WireWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the TCK, playing the JVM, writes for one task: the header (or raw header bytes), the input
 * elements (a {@code byte[]} as a blob, null as NULL — WRK-5.1) and the tail, by default
 * END_OF_DATA_SECTION then END_OF_STREAM (WRK-5.2).
 */
final class Task {
  private final byte[] headerBytes;
  private final String description;
  private final List<byte[]> inputs = new ArrayList<>();
  private byte[] rawInput;
  private int[] tail = {SpecialLengths.END_OF_DATA_SECTION, SpecialLengths.END_OF_STREAM};
  private boolean halfClose;
  private int pauseAt = -1;
  private java.util.concurrent.Future<?> gate;

  private Task(byte[] headerBytes, String description) {
    this.headerBytes = headerBytes;
    this.description = description;
  }

  static Task of(TaskHeader header, Profile profile) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try {
      TaskHeaderCodec.encode(header, profile, b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Task(b.toByteArray(), header.toString());
  }

  /** A header written byte by byte (malformed headers). */
  static Task rawHeader(byte[] header, String description) {
    return new Task(header.clone(), description);
  }

  Task inputs(List<byte[]> elements) {
    inputs.addAll(elements);
    return this;
  }

  Task input(byte[]... elements) {
    Collections.addAll(inputs, elements);
    return this;
  }

  /** Bytes written after the header instead of the framed inputs and tail. */
  Task rawInput(byte[] bytes) {
    rawInput = bytes.clone();
    tail = new int[0];
    return this;
  }

  Task tail(int... ints) {
    tail = ints.clone();
    return this;
  }

  /** Shut the TCK's output down after writing (the worker then sees end of stream). */
  Task halfClose() {
    halfClose = true;
    return this;
  }

  /**
   * Writes only the first {@code offset} bytes, then waits for {@code gate} before the rest: as
   * Spark's JVM waits for its broadcast decryption server before writing the eval type (WRK-9.5).
   */
  Task pauseAfter(int offset, java.util.concurrent.Future<?> gate) {
    this.pauseAt = offset;
    this.gate = gate;
    return this;
  }

  int pauseAt() {
    return pauseAt;
  }

  java.util.concurrent.Future<?> gate() {
    return gate;
  }

  boolean halfCloses() {
    return halfClose;
  }

  List<byte[]> inputs() {
    return inputs;
  }

  String description() {
    return description;
  }

  /** Everything to write, in order. */
  byte[] bytes() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    WireWriter w = new WireWriter(b);
    try {
      w.writeRaw(headerBytes);
      if (rawInput != null) {
        w.writeRaw(rawInput);
      } else {
        for (byte[] in : inputs) {
          if (in == null) {
            w.writeInt(SpecialLengths.NULL);
          } else {
            w.writeBlob(in);
          }
        }
      }
      for (int t : tail) {
        w.writeInt(t);
      }
      w.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }
}
