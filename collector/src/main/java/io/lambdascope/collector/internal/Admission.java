package io.lambdascope.collector.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds what the collector holds at once: requests being read, decoded or waiting for Kafka, and
 * their bytes. A request keeps its share until Kafka has answered for all its records, even when
 * the client already got a timeout, so the bound holds during Kafka outages too.
 */
public final class Admission {
  private final long maxBytes;
  private final int maxRequests;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger requests = new AtomicInteger();

  public Admission(long maxBytes, int maxRequests) {
    this.maxBytes = maxBytes;
    this.maxRequests = maxRequests;
  }

  public boolean tryEnter() {
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

  public void exit() {
    requests.decrementAndGet();
  }

  public boolean tryReserve(long n) {
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

  public void release(long n) {
    bytes.addAndGet(-n);
  }

  public long bytes() {
    return bytes.get();
  }

  public int requests() {
    return requests.get();
  }
}
