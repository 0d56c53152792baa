package io.lambdascope.collector.admission;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds what the collector holds at once: requests being read, decoded or waiting for Kafka, and
 * their bytes. A request keeps its share until Kafka has answered for all its records, even when
 * the client already got a timeout, so the bound holds during Kafka outages too.
 */
public final class InflightBudget {
  private final long maxBytes;
  private final int maxRequests;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger requests = new AtomicInteger();

  public InflightBudget(long maxBytes, int maxRequests) {
    this.maxBytes = maxBytes;
    this.maxRequests = maxRequests;
  }

  boolean tryEnter() {
    while (true) {
      int n = requests.get();
      if (n >= maxRequests) {
        return false;
      }
      if (requests.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void exit() {
    requests.decrementAndGet();
  }

  boolean tryReserve(long n) {
    while (true) {
      long held = bytes.get();
      if (held + n > maxBytes) {
        return false;
      }
      if (bytes.compareAndSet(held, held + n)) {
        return true;
      }
    }
  }

  void release(long n) {
    bytes.addAndGet(-n);
  }

  /** Bytes held now. */
  public long bytes() {
    return bytes.get();
  }

  /** Requests admitted and not yet answered for by Kafka. */
  public int requests() {
    return requests.get();
  }
}
