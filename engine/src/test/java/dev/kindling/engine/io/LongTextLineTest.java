package dev.kindling.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.storage.StorageLevel;
import dev.kindling.protocol.frame.FrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lines longer than {@code kindling.text.streamLineBytes} are not held but streamed from their file
 * (issue 17 item 5): the records and the bytes they become on the wire are exactly those of the
 * lines held as Strings, whatever the line endings, split boundaries, byte order marks, gzip, and
 * malformed UTF-8 (which Spark's Text decode turns into U+FFFD).
 */
class LongTextLineTest {
  @TempDir Path tmp;

  private static final byte[][] BAD = {
    {(byte) 0x80}, {(byte) 0xbf, (byte) 0xbf}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0xc0, (byte) 0xaf},
    {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
    {(byte) 0xf5}, {(byte) 0xff}, {(byte) 0xf0, (byte) 0x9f, (byte) 0x98}, {(byte) 0xe0, (byte) 0x80, (byte) 0x80},
    {(byte) 0xc2},
  };
  private static final String[] GOOD = {"a", "b", " ", "\u00e9", "\u20ac", "\uD83D\uDE00", "\u4e2d", "z"};

  /** Text bytes: mostly valid UTF-8 of 1 to 4 bytes, with malformed sequences and raw random bytes. */
  private static byte[] text(Random r, int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (out.size() < n) {
      double p = r.nextDouble();
      if (p < 0.04) {
        out.writeBytes(BAD[r.nextInt(BAD.length)]);
      } else if (p < 0.06) {
        out.write(r.nextInt(256));
      } else {
        out.writeBytes(GOOD[r.nextInt(GOOD.length)].getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  /** What Spark sends for these bytes: Hadoop's REPLACE decode, then String.getBytes(UTF_8). */
  private static byte[] sparkWire(byte[] b) throws IOException {
    String hadoop = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(b)).toString();
    return hadoop.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] repaired(byte[] b, Random r, int maxPiece) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Utf8Repair.Count count = new Utf8Repair.Count();
    Utf8Repair copy = new Utf8Repair(new Utf8Repair.Sink() {
      @Override
      public void raw(byte[] x, int off, int len) {
        out.write(x, off, len);
      }

      @Override
      public void replacement() {
        out.writeBytes(Utf8Repair.REPLACEMENT);
      }
    });
    Utf8Repair counting = new Utf8Repair(count);
    for (int at = 0; at < b.length; ) {
      int n = Math.min(b.length - at, 1 + r.nextInt(maxPiece));
      copy.feed(b, at, n);
      counting.feed(b, at, n);
      at += n;
    }
    copy.finish();
    counting.finish();
    assertThat(count.bytes).isEqualTo(out.size());
    return out.toByteArray();
  }

  @Test
  void utf8RepairGivesSparksBytesForAnyInputCutAnywhere() throws IOException {
    Random r = new Random(17);
    for (int i = 0; i < 3000; i++) {
      byte[] b = i % 3 == 0 ? randomBytes(r, r.nextInt(40)) : text(r, r.nextInt(200));
      byte[] want = sparkWire(b);
      assertThat(want).isEqualTo(new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
      assertThat(repaired(b, r, 1 + r.nextInt(8))).as("input %s", java.util.HexFormat.of().formatHex(b))
          .isEqualTo(want);
    }
    // Across the 64 KiB buffer: multi-byte and malformed sequences cut by the buffer's end too.
    for (int i = 0; i < 5; i++) {
      byte[] b = text(r, 300_000 + r.nextInt(1000));
      assertThat(repaired(b, r, 70_000)).isEqualTo(sparkWire(b));
    }
  }

  private static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  /** Files of long lines: every ending, a BOM, malformed UTF-8, no final newline, and a gzip copy. */
  private List<Path> files() throws IOException {
    Random r = new Random(5);
    ByteArrayOutputStream random = new ByteArrayOutputStream();
    byte[][] ends = {{'\n'}, {'\r', '\n'}, {'\r'}};
    int[] lengths = {0, 1, 15, 16, 17, 40, 300, 2000, 70_000};
    for (int i = 0; i < 80; i++) {
      random.writeBytes(text(r, lengths[r.nextInt(lengths.length)]));
      random.writeBytes(ends[r.nextInt(ends.length)]);
    }
    random.writeBytes(text(r, 333));
    List<Path> out = new ArrayList<>();
    out.add(write("random.txt", random.toByteArray()));
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(random.toByteArray());
    }
    out.add(write("random.txt.gz", gz.toByteArray()));
    ByteArrayOutputStream bom = new ByteArrayOutputStream();
    bom.writeBytes(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf});
    bom.writeBytes("y".repeat(100).getBytes(StandardCharsets.UTF_8));
    bom.writeBytes(new byte[] {'\r', '\n', (byte) 0xef, (byte) 0xbb, (byte) 0xbf});
    bom.writeBytes("second line keeps its BOM, only a file's first line loses it".getBytes(StandardCharsets.UTF_8));
    out.add(write("bom.txt", bom.toByteArray()));
    out.add(write("bom-short-first.txt", "\ufeffhi\n".concat("w".repeat(90)).getBytes(StandardCharsets.UTF_8)));
    out.add(write("cut-at-end.txt", concat("q".repeat(70).getBytes(StandardCharsets.UTF_8), BAD[8])));
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private Path write(String name, byte[] b) throws IOException {
    Path p = tmp.resolve("in").resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, b);
    return p;
  }

  private static byte[] wire(List<Object> records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WireFormat.writeAll(new FrameWriter(out), records.iterator());
    return out.toByteArray();
  }

  @Test
  void streamedLinesAreTheHeldLinesRecordForRecordAndByteForByte() throws Exception {
    List<Path> files = files();
    try (Engine held = TestEngines.local(tmp.resolve("held"));
        Engine streamed = TestEngines.local(tmp.resolve("streamed"), "kindling.text.streamLineBytes", "16")) {
      for (Path f : files) {
        for (int minPartitions : new int[] {1, 3, 7, 40}) {
          String what = f.getFileName() + " in " + minPartitions;
          List<Object> a = held.textFile(f.toString(), minPartitions).collect();
          List<Object> b = streamed.textFile(f.toString(), minPartitions).collect();
          assertThat(a).as(what).allMatch(o -> o instanceof String);
          assertThat(b).as(what).anyMatch(o -> o instanceof LongTextLine);
          assertThat(b).as(what).allMatch(o -> o instanceof String s ? s.length() <= 16 : o instanceof LongTextLine);
          assertThat(b.stream().map(String::valueOf).toList()).as(what).isEqualTo(a);
          assertThat(wire(b)).as(what).isEqualTo(wire(a));
          assertThat(WireFormat.sizeOf(b)).as(what).isEqualTo(WireFormat.sizeOf(a));
        }
      }
      // A split boundary falls inside the long lines: 40 splits of the random file, lines of 70 kB.
      assertThat(Files.size(files.get(0)) / 40).isLessThan(70_000);
    }
  }

  @Test
  void savedAsTextAStreamedLineIsItsUtf8() throws Exception {
    Path f = files().get(0);
    try (Engine held = TestEngines.local(tmp.resolve("held"));
        Engine streamed = TestEngines.local(tmp.resolve("streamed"), "kindling.text.streamLineBytes", "16")) {
      held.textFile(f.toString(), 3).saveAsTextFile(tmp.resolve("out-held").toString(), null);
      streamed.textFile(f.toString(), 3).saveAsTextFile(tmp.resolve("out-streamed").toString(), null);
    }
    for (int p = 0; p < 3; p++) {
      String name = String.format("part-%05d", p);
      assertThat(Files.readAllBytes(tmp.resolve("out-streamed").resolve(name)))
          .isEqualTo(Files.readAllBytes(tmp.resolve("out-held").resolve(name)));
    }
  }

  @Test
  void aStreamedLineOverTheLimitStillFailsNamingTheLimit() throws Exception {
    Path f = tmp.resolve("big.txt");
    Files.writeString(f, "short\n" + "y".repeat(5000) + "\nafter\n");
    try (Engine engine = TestEngines.local(tmp.resolve("local"), "kindling.text.maxLineBytes", "4096",
        "kindling.text.streamLineBytes", "100")) {
      assertThatThrownBy(() -> engine.textFile(f.toString(), 1).collect())
          .hasMessageContaining("kindling.text.maxLineBytes (4096 bytes)")
          .hasMessageContaining("the line at byte 6 of " + f)
          .hasMessageContaining("WRK-5.4");
    }
  }

  @Test
  void aFileChangedUnderAStreamedLineFailsNamingItInsteadOfSendingOtherBytes() throws Exception {
    Path f = tmp.resolve("changing.txt");
    Files.writeString(f, "a\n" + "x".repeat(500) + "\nb\n");
    try (Engine engine = TestEngines.local(tmp.resolve("local"), "kindling.text.streamLineBytes", "64")) {
      List<Object> lines = engine.textFile(f.toString(), 1).collect();
      assertThat(lines.get(1)).isInstanceOf(LongTextLine.class);
      Files.writeString(f, "a\n" + "x".repeat(100));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThatThrownBy(() -> WireFormat.writeElement(new FrameWriter(out), lines.get(1)))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining(f + " changed while its line at byte 2 (500 bytes) was in use");
      // As many bytes as before, but malformed: each becomes 3 bytes of U+FFFD, more than announced.
      byte[] bad = new byte[503];
      java.util.Arrays.fill(bad, (byte) 0xff);
      bad[0] = 'a';
      bad[1] = '\n';
      bad[502] = '\n';
      Files.write(f, bad);
      assertThatThrownBy(() -> WireFormat.writeElement(new FrameWriter(OutputStream.nullOutputStream()), lines.get(1)))
          .hasMessageContaining("changed while")
          .hasMessageContaining("more than 500 bytes");
    }
  }

  @Test
  void aPersistedTextFileServesItsStreamedLines() throws Exception {
    Path f = files().get(0);
    try (Engine held = TestEngines.local(tmp.resolve("held"));
        Engine streamed = TestEngines.local(tmp.resolve("streamed"), "kindling.text.streamLineBytes", "16")) {
      List<Object> want = held.textFile(f.toString(), 3).collect();
      for (StorageLevel level : new StorageLevel[] {StorageLevel.MEMORY_ONLY, StorageLevel.DISK_ONLY}) {
        Dataset ds = streamed.textFile(f.toString(), 3).persist(level);
        assertThat(ds.count()).isEqualTo(want.size());
        assertThat(wire(ds.collect())).as("%s", level).isEqualTo(wire(want));
      }
    }
  }
}
