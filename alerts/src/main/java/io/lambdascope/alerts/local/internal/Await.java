package io.lambdascope.alerts.local.internal;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls until a condition holds or a deadline passes: the only kind of waiting the harness does. */
public final class Await {

  private Await() {}

  /**
   * Returns the first value of {@code poll} that satisfies {@code condition}; fails with an
   * {@link AssertionError} naming {@code what} and the last value seen after {@code timeout}.
   */
  public static <T> T until(String what, Supplier<T> poll, Predicate<? super T> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    RuntimeException lastError = null;
    while (true) {
      try {
        last = poll.get();
        lastError = null;
        if (condition.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      if (System.nanoTime() > deadline) {
        AssertionError error = new AssertionError("timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
        if (lastError != null) {
          error.initCause(lastError);
        }
        throw error;
      }
      ServerProcess.sleep(200);
    }
  }
}
