package io.lambdascope.processor.http;

import io.lambdascope.processor.join.DecidedInvocation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The most recent decided invocations of this replica, for GET /api/invocations: a ring of fixed
 * capacity, each entry numbered so a client can poll for what is newer than its cursor.
 */
public final class RecentInvocations {
  /** An invocation with its sequence number (the cursor). */
  public record Entry(long seq, DecidedInvocation invocation) {}

  /** What a query returns: entries oldest first, and the cursor to pass as {@code after} next time. */
  public record Page(List<Entry> entries, long cursor) {}

  private final int capacity;
  private final ArrayDeque<Entry> ring;
  /**
   * The ring's entries by identity (open addressing, linear probing), so a task re-processing after
   * an aborted transaction adds nothing twice; with each slot's identity hash beside it. Grows with
   * the ring, at most to twice its capacity.
   */
  private Entry[] slots;
  private int[] hashes;
  private long nextSeq = 1;

  public RecentInvocations(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    this.ring = new ArrayDeque<>(Math.min(capacity, 4096));
    int size = Integer.highestOneBit(Math.min(capacity, 4096) * 2 - 1) << 1;
    this.slots = new Entry[size];
    this.hashes = new int[size];
  }

  public synchronized void add(DecidedInvocation invocation) {
    int hash = identityHash(invocation);
    int mask = slots.length - 1;
    for (int i = hash & mask; slots[i] != null; i = (i + 1) & mask) {
      if (hashes[i] == hash && sameInvocation(slots[i].invocation(), invocation)) {
        return;
      }
    }
    if (ring.size() == capacity) {
      Entry oldest = ring.removeFirst();
      remove(oldest, identityHash(oldest.invocation()));
    } else if ((ring.size() + 1) * 2 > slots.length) {
      grow();
    }
    Entry entry = new Entry(nextSeq++, invocation);
    ring.addLast(entry);
    insert(entry, hash);
  }

  /** What makes an invocation the same one again: function, request id, delivery and time. */
  private static int identityHash(DecidedInvocation i) {
    long h = i.id().hashCode();
    h = h * 0x9E3779B97F4A7C15L + (i.invocationId() == null ? 0 : i.invocationId().hashCode());
    h = h * 0x9E3779B97F4A7C15L + (i.deliveryId() == null ? 0 : i.deliveryId().hashCode());
    h = (h * 0x9E3779B97F4A7C15L + i.timestampMs()) * 0xC2B2AE3D27D4EB4FL;
    return (int) (h ^ (h >>> 32));
  }

  private static boolean sameInvocation(DecidedInvocation a, DecidedInvocation b) {
    return a.timestampMs() == b.timestampMs() && Objects.equals(a.invocationId(), b.invocationId())
        && Objects.equals(a.deliveryId(), b.deliveryId()) && a.id().equals(b.id());
  }

  private void insert(Entry entry, int hash) {
    int mask = slots.length - 1;
    int i = hash & mask;
    while (slots[i] != null) {
      i = (i + 1) & mask;
    }
    slots[i] = entry;
    hashes[i] = hash;
  }

  /** Removes the entry, shifting back the entries probed past it (no tombstones). */
  private void remove(Entry entry, int hash) {
    int mask = slots.length - 1;
    int i = hash & mask;
    while (slots[i] != entry) {
      i = (i + 1) & mask;
    }
    int j = i;
    while (true) {
      j = (j + 1) & mask;
      if (slots[j] == null) {
        break;
      }
      int home = hashes[j] & mask;
      boolean staysPut = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!staysPut) {
        slots[i] = slots[j];
        hashes[i] = hashes[j];
        i = j;
      }
    }
    slots[i] = null;
  }

  private void grow() {
    Entry[] old = slots;
    int[] oldHashes = hashes;
    slots = new Entry[old.length * 2];
    hashes = new int[old.length * 2];
    for (int i = 0; i < old.length; i++) {
      if (old[i] != null) {
        insert(old[i], oldHashes[i]);
      }
    }
  }

  /**
   * Matching entries oldest first. With {@code after} (a cursor, or -1), the oldest matching ones
   * newer than it; without, the newest {@code limit} matching ones.
   */
  public synchronized Page query(Predicate<DecidedInvocation> filter, long after, int limit) {
    List<Entry> out = new ArrayList<>();
    long latest = nextSeq - 1;
    if (after >= 0) {
      for (Entry e : ring) {
        if (e.seq() > after && filter.test(e.invocation())) {
          out.add(e);
          if (out.size() == limit) {
            return new Page(out, e.seq());
          }
        }
      }
      return new Page(out, Math.max(after, latest));
    }
    Iterator<Entry> it = ring.descendingIterator();
    while (it.hasNext() && out.size() < limit) {
      Entry e = it.next();
      if (filter.test(e.invocation())) {
        out.add(0, e);
      }
    }
    return new Page(out, latest);
  }

  public synchronized int size() {
    return ring.size();
  }
}
