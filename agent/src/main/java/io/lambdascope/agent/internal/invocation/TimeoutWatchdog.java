package io.lambdascope.agent.internal.invocation;

import io.lambdascope.agent.internal.Diagnostics;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread, started at the first armed invocation, that fires shortly before an invocation's deadline.
 * Arming is a volatile write, and an unpark only when the thread would otherwise sleep past the new deadline;
 * disarming is a compare-and-set with no wake-up (the thread notices at the old deadline and parks again). Warm
 * invocations of one function arm later deadlines than the one the thread sleeps towards, so they wake nothing:
 * on the handler's path, another thread woken is CPU taken from the handler when cores are few.
 */
final class TimeoutWatchdog implements Runnable {
    interface Listener {
        void onDeadline(Invocation inv);

        /** Runs once on the watchdog thread when it starts, off the handler's critical path. */
        void warmUp();
    }

    private final AtomicReference<Invocation> armed = new AtomicReference<>();
    private final Listener listener;
    private volatile Thread thread;
    /** The nanoTime the thread sleeps until; {@code Long.MAX_VALUE} while it waits for an invocation to arm. */
    private volatile long sleepsUntil = Long.MAX_VALUE;

    TimeoutWatchdog(Listener listener) {
        this.listener = listener;
    }

    void arm(Invocation inv) {
        armed.set(inv);
        Thread t = thread;
        if (t == null) {
            t = start();
        }
        // The thread publishes sleepsUntil before it reads armed again, and this reads sleepsUntil after setting
        // armed (both volatile): either it sees this invocation, or this sees it asleep too long and wakes it.
        long sleeps = sleepsUntil;
        if (sleeps == Long.MAX_VALUE || inv.watchdogDeadlineNanos - sleeps < 0) {
            LockSupport.unpark(t);
        }
    }

    void disarm(Invocation inv) {
        armed.compareAndSet(inv, null);
    }

    /** What the thread sleeps towards (for tests). */
    long sleepsUntil() {
        return sleepsUntil;
    }

    private synchronized Thread start() {
        Thread t = thread;
        if (t == null) {
            t = new Thread(this, "lambdascope-timeout-watchdog");
            t.setDaemon(true);
            t.start();
            thread = t;
        }
        return t;
    }

    @Override
    public void run() {
        try {
            listener.warmUp();
        } catch (Throwable t) {
            Diagnostics.hookFailed(t);
        }
        while (true) {
            Invocation inv = armed.get();
            if (inv == null) {
                sleepsUntil = Long.MAX_VALUE;
                if (armed.get() == null) {
                    LockSupport.park(this);
                }
                continue;
            }
            long deadline = inv.watchdogDeadlineNanos;
            long wait = deadline - System.nanoTime();
            if (wait > 0) {
                sleepsUntil = deadline;
                if (armed.get() == inv) {
                    LockSupport.parkNanos(this, wait);
                }
                continue;
            }
            if (armed.compareAndSet(inv, null)) {
                try {
                    listener.onDeadline(inv);
                } catch (Throwable t) {
                    Diagnostics.hookFailed(t);
                }
            }
        }
    }
}
