package io.lambdascope.processor.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keys ordered by the time they fall due: the punctuator takes only what is due, and a key leaves
 * early (its invocation decided on arrival) in O(log n), so the queue holds only what waits.
 */
public final class DueQueue<K> {
  /** Where a key sits in the queue; hand it back to {@link #remove}. */
  public record Ticket(long dueMs, long seq) implements Comparable<Ticket> {
    @Override
    public int compareTo(Ticket o) {
      int c = Long.compare(dueMs, o.dueMs);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final TreeMap<Ticket, K> queue = new TreeMap<>();
  private long seq;

  public Ticket add(K key, long dueMs) {
    Ticket t = new Ticket(dueMs, seq++);
    queue.put(t, key);
    return t;
  }

  public void remove(Ticket ticket) {
    if (ticket != null) {
      queue.remove(ticket);
    }
  }

  /** Removes and returns the keys due at {@code nowMs}, earliest first. */
  public List<K> pollDue(long nowMs) {
    List<K> due = new ArrayList<>();
    while (!queue.isEmpty() && queue.firstKey().dueMs() <= nowMs) {
      Map.Entry<Ticket, K> e = queue.pollFirstEntry();
      due.add(e.getValue());
    }
    return due;
  }

  /** Removes and returns the {@code n} earliest keys, due or not. */
  public List<K> pollEarliest(int n) {
    List<K> out = new ArrayList<>(n);
    while (!queue.isEmpty() && out.size() < n) {
      out.add(queue.pollFirstEntry().getValue());
    }
    return out;
  }
}
