package dev.kindling.protocol.frame;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The body of a data frame that is not held in memory (a text line of hundreds of megabytes read
 * from a file): its length is known before any of its bytes are produced, because the frame's
 * {@code i32} length prefix goes first (WRK-5.1), and its bytes are then produced in pieces.
 * {@link FrameWriter#writeStreamed} writes such a frame and checks that the body keeps its word.
 */
public interface StreamedFrame {
  /** The exact number of bytes {@link #writeBody} writes. */
  long length();

  /** Writes exactly {@link #length()} bytes to {@code out}, in as many calls as it likes. */
  void writeBody(OutputStream out) throws IOException;
}
