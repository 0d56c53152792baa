package io.lambdascope.processor.dedup;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bloom filters of the dedup keys filed in each segment of the window, so that most lookups of a
 * key never seen (nearly every delivery) skip RocksDB: a filter that says "absent" is certain; one
 * that says "maybe" sends the lookup to the store. A key is added when it is filed; the filters of a
 * task are built from its store after the task starts (restored), a few keys per lookup, and
 * used once they cover every key the store holds. A key filed in a transaction that is then
 * aborted stays in them: a false "maybe", never a false "absent". Bounded for the whole process
 * ({@link Budget#PROCESS}): a task that finds no filter left stops filtering, and every lookup of
 * its keys goes to the store.
 */
final class KeyFilters {
  /**
   * Keys per filter before the next one is started: 2^22 bits, 7 probes, about 0.1 % false "maybe" when full.
   * A key's probes all fall in one 64-byte block of the filter (chosen by the key), so checking or adding a key
   * costs one cache miss, not seven.
   */
  static final int KEYS_PER_FILTER = 1 << 18;
  /** How many filters (512 KiB each) the tasks of a process may hold together. */
  static final class Budget {
    /** 64 filters, 32 MiB of heap: about 16 million keys of the dedup windows of all tasks. */
    static final Budget PROCESS = new Budget(64);

    private final java.util.concurrent.atomic.AtomicInteger left;

    Budget(int filters) {
      this.left = new java.util.concurrent.atomic.AtomicInteger(filters);
    }

    boolean take() {
      if (left.decrementAndGet() >= 0) {
        return true;
      }
      left.incrementAndGet();
      return false;
    }

    void giveBack(int filters) {
      left.addAndGet(filters);
    }
  }
  private static final int BITS_LOG2 = 22;
  private static final int PROBES = 7;
  /** Blocks of 512 bits (8 longs, one cache line); a probe is 9 bits of the key. */
  private static final int BLOCKS_LOG2 = BITS_LOG2 - 9;

  private final long windowMs;
  private final Budget budget;
  /** Per segment start, its filters (the last one filling). */
  private final TreeMap<Long, List<long[]>> segments = new TreeMap<>();
  /** Keys in the last filter of each segment. */
  private final Map<Long, int[]> filling = new TreeMap<>();
  private int filters;
  private boolean overflown;
  /** Segments before this one are no longer tracked (dropped): their lookups go to the store. */
  private long horizon = Long.MIN_VALUE;
  /**
   * The segment keys were last added to, its filters and the count of its last one (keys are filed in the
   * current segment for a whole window, so the maps are rarely asked); null when none.
   */
  private long addSegment;
  private List<long[]> addList;
  private int[] addCount;

  KeyFilters(long windowMs, Budget budget) {
    this.windowMs = windowMs;
    this.budget = budget;
  }

  /** False when the key is certainly not filed in the segment starting at {@code segment}. */
  boolean mightContain(byte[] key, long segment) {
    if (overflown || segment < horizon) {
      return true;
    }
    List<long[]> list = segments.get(segment);
    if (list == null) {
      return false;
    }
    long h1 = h1(key);
    long h2 = h2(key);
    for (long[] bits : list) {
      if (probe(bits, h1, h2, false)) {
        return true;
      }
    }
    return false;
  }

  /** The key is filed in the segment starting at {@code segment}. */
  void add(byte[] key, long segment) {
    if (overflown) {
      return;
    }
    if (segment < horizon) {
      return; // an untracked segment is always looked up in the store
    }
    List<long[]> list;
    int[] count;
    if (addList != null && segment == addSegment) {
      list = addList;
      count = addCount;
    } else {
      dropBefore(segment - 2 * windowMs);
      list = segments.get(segment);
      count = filling.get(segment);
    }
    if (list == null || count[0] == KEYS_PER_FILTER) {
      if (!budget.take()) {
        overflow();
        return;
      }
      if (list == null) {
        list = new ArrayList<>(1);
        segments.put(segment, list);
        count = new int[1];
        filling.put(segment, count);
      }
      list.add(new long[(1 << BITS_LOG2) / 64]);
      filters++;
      count[0] = 0;
    }
    addSegment = segment;
    addList = list;
    addCount = count;
    probe(list.get(list.size() - 1), h1(key), h2(key), true);
    count[0]++;
  }

  boolean overflown() {
    return overflown;
  }

  /** Stops filtering for good: every lookup goes to the store. */
  void overflow() {
    overflown = true;
    release();
  }

  /** Gives the filters back to the budget (the task is closing). */
  void release() {
    budget.giveBack(filters);
    segments.clear();
    filling.clear();
    filters = 0;
    addList = null;
    addCount = null;
  }

  /** Forgets the filters of segments starting before {@code start}; those segments are looked up in the store. */
  private void dropBefore(long start) {
    Iterator<Map.Entry<Long, List<long[]>>> it = segments.headMap(start).entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Long, List<long[]>> e = it.next();
      filters -= e.getValue().size();
      budget.giveBack(e.getValue().size());
      filling.remove(e.getKey());
      it.remove();
    }
    horizon = Math.max(horizon, start);
    if (addList != null && addSegment < start) {
      addList = null;
      addCount = null;
    }
  }

  /** The block is picked by the top bits of {@code h2}; the probes within it are 9-bit slices of {@code h1}. */
  private static boolean probe(long[] bits, long h1, long h2, boolean set) {
    int block = (int) (h2 >>> (64 - BLOCKS_LOG2)) << 3;
    long h = h1;
    for (int i = 0; i < PROBES; i++) {
      int bit = (int) h & 511;
      int at = block + (bit >>> 6);
      long word = bits[at];
      long m = 1L << (bit & 63);
      if (set) {
        bits[at] = word | m;
      } else if ((word & m) == 0) {
        return false;
      }
      h >>>= 9;
    }
    return true;
  }

  // Keys are fingerprints (uniformly distributed bytes): their two halves are the filter's two hashes.
  private static long h1(byte[] key) {
    return ByteBuffer.wrap(key, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  private static long h2(byte[] key) {
    return ByteBuffer.wrap(key, key.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong() | 1;
  }
}
