package dev.kindling.tck.engine;

import dev.kindling.protocol.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * WRK-1.2 as the engine writes it: each {@code bool} of a task header is one byte, 0x00 or 0x01.
 * The probe notes, while it parses a header, every bool's field and offset ({@code bools} of its
 * "task" and "headerError" events); the raw header file is the evidence judged here.
 *
 * <pre>
 *   spark-3.5, spark-4.1:  ... | utf pyVer | bool isBarrier | ... | bool needsDecryptionServer | ...
 *   spark-4.2, spark-4.3:  ... | utf pyVer | utf JSON context  | ... | bool needsDecryptionServer | ...
 * </pre>
 *
 * (On spark-4.3 the recorded header includes the init message's 8 bytes; offsets count them.)
 *
 * (4.2's {@code isBarrier} is a JSON boolean inside a utf, not a wire bool.)
 */
final class HeaderBools {
  static final String RULE = "WRK-1.2";

  private HeaderBools() {}

  /** The wire bools of a complete RDD task header, in order. */
  static List<String> expectedFields(Profile profile) {
    return profile.jsonTaskContext()
        ? List.of("needsDecryptionServer")
        : List.of("isBarrier", "needsDecryptionServer");
  }

  /**
   * The WRK-1.2 violations among {@code bools} (the probe's notes) in {@code header}, each
   * message starting with the rule id. {@code complete}: the probe parsed the whole header, so
   * every bool of the profile must have been noted (else the probe, not the engine, is broken
   * and this throws {@link IllegalStateException}).
   */
  static List<String> violations(Profile profile, List<Map<String, Object>> bools, byte[] header,
      boolean complete, String where) {
    List<String> fields = new ArrayList<>();
    List<String> out = new ArrayList<>();
    for (Map<String, Object> b : bools) {
      String field = String.valueOf(b.get("field"));
      fields.add(field);
      Object at = b.get("offset");
      if (!(at instanceof Number) || header == null || ((Number) at).intValue() < 0
          || ((Number) at).intValue() >= header.length) {
        throw new IllegalStateException("TCK probe: bool " + field + " at offset " + at
            + " outside the recorded header of " + (header == null ? "?" : header.length) + " bytes (" + where + ")");
      }
      int offset = ((Number) at).intValue();
      int raw = header[offset] & 0xFF;
      if (raw != 0 && raw != 1) {
        out.add(RULE + ": " + where + ": bool " + field + " is written as 0x"
            + String.format("%02x", raw) + " at header offset " + offset + "; only 0x00 (false) and 0x01 (true) are allowed");
      }
    }
    if (complete && !fields.equals(expectedFields(profile))) {
      throw new IllegalStateException("TCK probe: noted bools " + fields + " in a complete "
          + profile.id() + " header, expected " + expectedFields(profile) + " (" + where + ")");
    }
    return out;
  }
}
