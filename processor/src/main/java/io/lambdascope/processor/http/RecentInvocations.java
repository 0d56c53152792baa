package io.lambdascope.processor.http;

import io.lambdascope.processor.join.DecidedInvocation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The most recent decided invocations of this replica, for GET /api/invocations: a ring of fixed
 * capacity, each entry numbered so a client can poll for what is newer than its cursor. Like
 * /metrics, it shows only what a committed transaction decided.
 */
public final class RecentInvocations {
  /** An invocation with its sequence number (the cursor). */
  public record Entry(long seq, DecidedInvocation invocation) {}

  /** What a query returns: entries oldest first, and the cursor to pass as {@code after} next time. */
  public record Page(List<Entry> entries, long cursor) {}

  private final int capacity;
  private final ArrayDeque<Entry> ring;
  private long nextSeq = 1;

  public RecentInvocations(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    this.ring = new ArrayDeque<>(Math.min(capacity, 4096));
  }

  /**
   * Adds invocations, oldest first. Only committed ones come here ({@link RecentInvocationsProcessor}): a task
   * re-processing after an aborted transaction never adds one twice, and the oldest leave without being looked at.
   */
  public synchronized void addAll(List<DecidedInvocation> invocations) {
    for (DecidedInvocation invocation : invocations) {
      if (ring.size() == capacity) {
        ring.removeFirst();
      }
      ring.addLast(new Entry(nextSeq++, invocation));
    }
  }

  public void add(DecidedInvocation invocation) {
    addAll(List.of(invocation));
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
