package io.lambdascope.collector.admission;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One admitted request's share of the in-flight budget. It grows as the body is read and
 * decompressed, and is released once, when Kafka has answered for the request (or it was refused).
 */
public final class Reservation {
  private final InflightBudget budget;
  private final AtomicLong held = new AtomicLong();
  private final AtomicBoolean released = new AtomicBoolean();

  Reservation(InflightBudget budget) {
    this.budget = budget;
  }

  /** Adds {@code bytes} to the share, or refuses with 429 when the budget has no room for them. */
  public void grow(long bytes) throws Rejection {
    if (!budget.tryReserve(bytes)) {
      throw new Rejection(Rejection.Reason.OVERLOADED, "too many bytes in flight");
    }
    held.addAndGet(bytes);
  }

  /** Grows the share to cover {@code total} bytes. */
  public void growTo(long total) throws Rejection {
    long more = total - held.get();
    if (more > 0) {
      grow(more);
    }
  }

  /** Gives the bytes and the request's slot back; only the first call does. */
  public void release() {
    if (released.compareAndSet(false, true)) {
      budget.release(held.get());
      budget.exit();
    }
  }
}
