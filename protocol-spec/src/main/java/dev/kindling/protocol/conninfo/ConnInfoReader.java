package dev.kindling.protocol.conninfo;

import dev.kindling.protocol.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and decodes a published conn-info file (CONN-4.2 to CONN-4.7, via {@link ConnInfoCodec}).
 * It reads at most one byte more than the largest valid file, so a huge file costs nothing.
 * Waiting for the file to appear (CONN-4.1) is the caller's business.
 */
public final class ConnInfoReader {
  private ConnInfoReader() {}

  public static ConnInfo read(Path path, Limits limits) throws IOException {
    int cap = ConnInfoCodec.HEADER_BYTES + limits.maxSecretBytes() + 1;
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(cap);
    }
    return ConnInfoCodec.decode(bytes, limits);
  }
}
