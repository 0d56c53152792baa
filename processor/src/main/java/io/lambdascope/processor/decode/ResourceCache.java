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
    Entry e = slots[slot(buf, start, length)];
    return e != null && Arrays.equals(e.bytes(), 0, e.bytes().length, buf, start, start + length) ? e.facts() : null;
  }

  void put(byte[] buf, int start, int length, OtlpAttributes.ResourceFacts facts) {
    slots[slot(buf, start, length)] = new Entry(Arrays.copyOfRange(buf, start, start + length), facts);
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** A hash of the bytes, eight at a time (a match is confirmed by comparing them all). */
  private static int slot(byte[] buf, int start, int length) {
    long h = length;
    int i = start;
    int end = start + length;
    for (; i + 8 <= end; i += 8) {
      h = (h ^ (long) LONGS.get(buf, i)) * 0x9E3779B97F4A7C15L;
    }
    for (; i < end; i++) {
      h = (h ^ buf[i]) * 0x9E3779B97F4A7C15L;
    }
    return (int) (h ^ (h >>> 32)) & (SLOTS - 1);
  }
}
