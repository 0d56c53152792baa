package io.lambdascope.processor.decode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The resources seen last, by their bytes: the records of one execution environment carry the same
 * resource, read once and then recognized by comparing bytes. A fixed table, so bounded whatever
 * arrives; shared by the stream threads (a slot holds an immutable entry, replaced whole).
 */
final class ResourceCache {
  private static final int SLOTS = 4096;

  private record Entry(byte[] bytes, OtlpAttributes.ResourceFacts facts) {}

  private final Entry[] slots = new Entry[SLOTS];

  /** The facts of the resource at buf[start, start + length), or null if not cached. */
  OtlpAttributes.ResourceFacts get(byte[] buf, int start, int length) {
    int slot = slot(buf, start, length);
    Entry e = slots[slot];
    if (e != null && Arrays.equals(e.bytes(), 0, e.bytes().length, buf, start, start + length)) {
      return e.facts();
    }
    e = slots[slot ^ 1];
    return e != null && Arrays.equals(e.bytes(), 0, e.bytes().length, buf, start, start + length) ? e.facts() : null;
  }

  /**
   * Files the resource in its slot, moving the one there to the other slot of the pair: two-way, so
   * two resources whose hashes meet do not evict each other on every record.
   */
  void put(byte[] buf, int start, int length, OtlpAttributes.ResourceFacts facts) {
    int slot = slot(buf, start, length);
    Entry e = new Entry(Arrays.copyOfRange(buf, start, start + length), facts);
    if (slots[slot] != null) {
      slots[slot ^ 1] = slots[slot];
    }
    slots[slot] = e;
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** A hash of the bytes, sixteen at a time in two lanes (a match is confirmed by comparing them all). */
  private static int slot(byte[] buf, int start, int length) {
    long h1 = length;
    long h2 = 0x9E3779B97F4A7C15L;
    int i = start;
    int end = start + length;
    for (; i + 16 <= end; i += 16) {
      h1 = (h1 ^ (long) LONGS.get(buf, i)) * 0x9E3779B97F4A7C15L;
      h2 = (h2 ^ (long) LONGS.get(buf, i + 8)) * 0xC2B2AE3D27D4EB4FL;
    }
    for (; i < end; i++) {
      h1 = (h1 ^ buf[i]) * 0x9E3779B97F4A7C15L;
    }
    long h = h1 ^ Long.rotateLeft(h2, 31);
    return (int) (h ^ (h >>> 32)) & (SLOTS - 1);
  }
}
