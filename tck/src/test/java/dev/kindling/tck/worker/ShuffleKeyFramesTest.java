package dev.kindling.tck.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tck.support.PortableHash;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The WRK-10.1 judge fed good and bad map outputs, and {@link PortableHash} against values printed
 * by CPython 3.11 ({@code kindling.rdd.portable_hash}, same as pyspark's).
 */
class ShuffleKeyFramesTest {

  @Test
  void portableHashMatchesCPython() {
    assertThat(PortableHash.of(null)).hasValue(0);
    assertThat(PortableHash.of(1L)).hasValue(1);
    assertThat(PortableHash.of(-1L)).hasValue(-2);
    assertThat(PortableHash.of(-2L)).hasValue(-2);
    assertThat(PortableHash.of((1L << 61) - 1)).hasValue(0);
    assertThat(PortableHash.of(1L << 61)).hasValue(1);
    assertThat(PortableHash.of(-(1L << 61))).hasValue(-2);
    assertThat(PortableHash.of(Long.MAX_VALUE)).hasValue(3);
    assertThat(PortableHash.of(Long.MIN_VALUE)).hasValue(-4);
    assertThat(PortableHash.of(true)).hasValue(1);
    assertThat(PortableHash.of(List.of())).hasValue(3430008);
    assertThat(PortableHash.of(List.of(1L))).hasValue(3430019290026L);
    assertThat(PortableHash.of(Arrays.asList((Object) null))).hasValue(3430018290025L);
    assertThat(PortableHash.of(List.of(1L, -1L))).hasValue(5793342456769905725L);
    assertThat(PortableHash.of(Arrays.asList(List.of(1L, 2L), null, -1L))).hasValue(8503371659513987430L);
    assertThat(PortableHash.of(List.of(Long.MIN_VALUE, 1L << 61))).hasValue(5793339456752905701L);
    assertThat(PortableHash.of("a")).isEmpty();
    assertThat(PortableHash.of(List.of(1L, "a"))).isEmpty();
    assertThat(PortableHash.pythonMod(-2, 3)).isEqualTo(1);
  }

  private static final List<List<Object>> PAIRS = List.of(
      pair(1L, "a"), pair(-1L, "b"), pair(4L, "c"), pair(null, "d"), pair("s", "e"));

  private static List<Object> pair(Object k, Object v) {
    return Arrays.asList(k, v);
  }

  private static byte[] key(long k, ByteOrder order) {
    return ByteBuffer.allocate(8).order(order).putLong(k).array();
  }

  private static byte[] payload(List<List<Object>> pairs) {
    List<Object[]> tuples = new ArrayList<>();
    pairs.forEach(p -> tuples.add(p.toArray()));
    return Pickles.dumps(tuples);
  }

  /** partitionBy(3) of PAIRS: 1 -> 1, -1 -> -2 % 3 = 1, 4 -> 1, None -> 0, 's' anywhere (here 2). */
  private static List<byte[]> good(ByteOrder order) {
    return List.of(
        key(1, order), payload(List.of(PAIRS.get(0), PAIRS.get(1))),
        key(0, order), payload(List.of(PAIRS.get(3))),
        key(1, order), payload(List.of(PAIRS.get(2))),
        key(2, order), payload(List.of(PAIRS.get(4))));
  }

  @Test
  void acceptsCorrectOutput() {
    ShuffleKeyFrames.check(good(ByteOrder.BIG_ENDIAN), PAIRS, 3);
    ShuffleKeyFrames.check(List.of(), List.of(), 3);
  }

  @Test
  void rejectsLittleEndianKeys() {
    assertThatThrownBy(() -> ShuffleKeyFrames.check(good(ByteOrder.LITTLE_ENDIAN), PAIRS, 3))
        .hasMessageStartingWith("WRK-10.1: ").hasMessageContaining("read little-endian it is 1");
  }

  @Test
  void rejectsShortKeyFramesAndSwappedFrames() {
    List<byte[]> f = new ArrayList<>(good(ByteOrder.BIG_ENDIAN));
    f.set(0, new byte[] {0, 0, 0, 1});
    assertThatThrownBy(() -> ShuffleKeyFrames.check(f, PAIRS, 3))
        .hasMessageStartingWith("WRK-10.1: ").hasMessageContaining("has 4 bytes");
    List<byte[]> swapped = new ArrayList<>(good(ByteOrder.BIG_ENDIAN));
    swapped.set(0, swapped.get(1));
    swapped.set(1, key(1, ByteOrder.BIG_ENDIAN));
    assertThatThrownBy(() -> ShuffleKeyFrames.check(swapped, PAIRS, 3))
        .hasMessageStartingWith("WRK-10.1: ").hasMessageContaining("payload written before its key");
    assertThatThrownBy(() -> ShuffleKeyFrames.check(good(ByteOrder.BIG_ENDIAN).subList(0, 3), PAIRS, 3))
        .hasMessageStartingWith("WRK-10.1: ").hasMessageContaining("odd number");
  }

  @Test
  void rejectsWrongPartitionLostDuplicatedAndSplitKeys() {
    List<byte[]> wrongHash = new ArrayList<>(good(ByteOrder.BIG_ENDIAN));
    wrongHash.set(2, key(2, ByteOrder.BIG_ENDIAN)); // None under 2
    assertThatThrownBy(() -> ShuffleKeyFrames.check(wrongHash, PAIRS, 3))
        .hasMessageStartingWith("WRK-10.1: ").hasMessageContaining("portable_hash");
    List<byte[]> lost = good(ByteOrder.BIG_ENDIAN).subList(0, 6);
    assertThatThrownBy(() -> ShuffleKeyFrames.check(lost, PAIRS, 3))
        .hasMessageStartingWith("WRK-10.1: ").hasMessageContaining("missing");
    List<byte[]> twice = new ArrayList<>(good(ByteOrder.BIG_ENDIAN));
    twice.addAll(good(ByteOrder.BIG_ENDIAN).subList(0, 2));
    assertThatThrownBy(() -> ShuffleKeyFrames.check(twice, PAIRS, 3))
        .hasMessageStartingWith("WRK-10.1: ").hasMessageContaining("once too often");
    List<List<Object>> strs = List.of(pair("s", 1L), pair("s", 2L));
    List<byte[]> split = List.of(key(0, ByteOrder.BIG_ENDIAN), payload(List.of(strs.get(0))),
        key(2, ByteOrder.BIG_ENDIAN), payload(List.of(strs.get(1))));
    assertThatThrownBy(() -> ShuffleKeyFrames.check(split, strs, 3))
        .hasMessageStartingWith("WRK-10.1: ").hasMessageContaining("equal keys must land in one partition");
    assertThatThrownBy(() -> ShuffleKeyFrames.check(List.of(key(3, ByteOrder.BIG_ENDIAN), payload(List.of())), List.of(), 3))
        .hasMessageStartingWith("WRK-10.1: ").hasMessageContaining("not a partition in [0, 3)");
  }
}
