package io.lambdascope.emulator.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whether an execution environment is thawed, and the only way to reach it while it is. Lambda freezes an
 * environment between invocations: nothing of it runs and nothing is delivered to it. Deliveries ({@link #enter})
 * wait for a thaw; {@link #freeze} waits (briefly) for the deliveries under way, then stops every process of the
 * environment (SIGSTOP), unless stopping is turned off for debugging: the gate still closes then, so what is
 * delivered when does not change.
 */
final class FreezeGate {
  /** How long a freeze waits for a delivery under way before it stops the processes anyway. */
  private static final long DELIVERY_GRACE_MS = 1000;

  /** Stops or continues the environment's processes. */
  interface Signals {
    void stop();

    void resume();
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Signals signals;
  private final boolean stopProcesses;
  private boolean thawed = true;
  private boolean stopped;
  /** Counts thaws, so a freeze meant for one idle period never stops the invocation that follows it. */
  private long thaws;
  private boolean closed;
  private int deliveries;

  FreezeGate(Signals signals, boolean stopProcesses) {
    this.signals = signals;
    this.stopProcesses = stopProcesses;
  }

  /** Continues the processes (if stopped) and opens the gate; returns the thaw's number, for {@link #freeze}. */
  long thaw() {
    lock.lock();
    try {
      if (stopped) {
        signals.resume();
        stopped = false;
      }
      thawed = true;
      changed.signalAll();
      return ++thaws;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the gate, waits for deliveries under way, and stops the processes; unless the environment was thawed
   * again since thaw number {@code thaw} (the next invocation already took it).
   */
  void freeze(long thaw) {
    lock.lock();
    try {
      if (thaws != thaw || closed) {
        return;
      }
      thawed = false;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DELIVERY_GRACE_MS);
      while (deliveries > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        changed.awaitNanos(left);
      }
      if (thaws != thaw) {
        return; // the next invocation thawed the environment while the deliveries finished: it runs now
      }
      if (stopProcesses && !closed && !stopped) {
        signals.stop();
        stopped = true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  boolean thawed() {
    lock.lock();
    try {
      return thawed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the environment is thawed and counts a delivery under way; false once the gate is closed for good
   * or after {@code maxWaitMs}. A true answer must be followed by {@link #exit}.
   */
  boolean enter(long maxWaitMs) throws InterruptedException {
    lock.lock();
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxWaitMs);
      while (!thawed && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      if (closed) {
        return false;
      }
      deliveries++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  void exit() {
    lock.lock();
    try {
      deliveries--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The environment is gone: nothing waits for it any more. */
  void close() {
    lock.lock();
    try {
      closed = true;
      thawed = false;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
