package io.lambdascope.launcher;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polling with a deadline, for the end-to-end tests. */
final class Await {
  private Await() {}

  /** Polls {@code supplier} until {@code done} holds; fails with {@code what} and the last value. */
  static <T> T until(String what, Duration timeout, Supplier<T> supplier, Predicate<T> done) {
    return until(what, timeout, supplier, String::valueOf, done);
  }

  /** As above; a timeout describes the last value seen with {@code describe}. */
  static <T> T until(String what, Duration timeout, Supplier<T> supplier, java.util.function.Function<T, String> describe,
      Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    while (System.nanoTime() < deadline) {
      last = supplier.get();
      if (last != null && done.test(last)) {
        return last;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: " + (last == null ? null : describe.apply(last)));
  }
}
