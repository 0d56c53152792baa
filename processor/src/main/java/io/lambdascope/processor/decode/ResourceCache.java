package io.lambdascope.processor.decode;

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

  private static int slot(byte[] buf, int start, int length) {
    int h = length;
    for (int i = start; i < start + length; i++) {
      h = 31 * h + buf[i];
    }
    h ^= h >>> 16;
    return h & (SLOTS - 1);
  }
}
