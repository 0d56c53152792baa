package io.lambdascope.processor.state;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Keys filed by time in buckets of a fixed width, so expiry visits only what is due: the buckets up
 * to a cutoff, oldest first. A key is filed under one bucket at a time; refiling it costs a removal
 * and an insertion, and only happens when its time moves to another bucket.
 */
public final class TimeIndex<K> {
  /** The bucket of a key not filed yet. */
  public static final long NONE = Long.MIN_VALUE;

  private final long bucketMs;
  private final TreeMap<Long, Set<K>> buckets = new TreeMap<>();
  private int size;

  public TimeIndex(long bucketMs) {
    this.bucketMs = bucketMs;
  }

  /** Files {@code key} at time {@code t}, out of {@code previousBucket}; returns its bucket now. */
  public long file(K key, long previousBucket, long t) {
    long b = Math.floorDiv(t, bucketMs);
    if (b == previousBucket) {
      return b;
    }
    remove(key, previousBucket);
    if (buckets.computeIfAbsent(b, x -> new HashSet<>()).add(key)) {
      size++;
    }
    return b;
  }

  public void remove(K key, long bucket) {
    if (bucket == NONE) {
      return;
    }
    Set<K> keys = buckets.get(bucket);
    if (keys != null && keys.remove(key)) {
      size--;
      if (keys.isEmpty()) {
        buckets.remove(bucket);
      }
    }
  }

  public int size() {
    return size;
  }

  /**
   * Offers the keys of every bucket that starts at or before {@code cutoff}, oldest bucket first, to
   * {@code expire}, which removes what it expires (through the owner, which calls {@link #remove}) and
   * answers whether it did; visits nothing newer.
   */
  public int expireUpTo(long cutoff, Predicate<K> expire) {
    int expired = 0;
    long last = Math.floorDiv(cutoff, bucketMs);
    List<K> due = new ArrayList<>();
    for (Map.Entry<Long, Set<K>> e : buckets.headMap(last, true).entrySet()) {
      due.addAll(e.getValue());
    }
    for (K k : due) {
      if (expire.test(k)) {
        expired++;
      }
    }
    return expired;
  }

  /** Offers keys oldest first until {@code expire} has removed {@code count} of them (a bound on size). */
  public void expireOldest(int count, Predicate<K> expire) {
    int done = 0;
    Iterator<Map.Entry<Long, Set<K>>> it = buckets.entrySet().iterator();
    List<K> candidates = new ArrayList<>();
    while (it.hasNext() && candidates.size() < count * 2 + 16) {
      candidates.addAll(it.next().getValue());
    }
    for (K k : candidates) {
      if (done >= count) {
        return;
      }
      if (expire.test(k)) {
        done++;
      }
    }
  }
}
