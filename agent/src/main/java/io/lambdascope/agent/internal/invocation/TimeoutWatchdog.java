package io.lambdascope.agent.internal.invocation;

import io.lambdascope.agent.internal.Diagnostics;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * One daemon thread, started at the first armed invocation, that fires shortly before an invocation's deadline.
 * Arming is a volatile write and an unpark; disarming is a compare-and-set with no wake-up (the thread notices
 * at the old deadline and parks again), so the per-invocation cost stays tiny.
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

    TimeoutWatchdog(Listener listener) {
        this.listener = listener;
    }

    void arm(Invocation inv) {
        armed.set(inv);
        Thread t = thread;
        if (t == null) {
            t = start();
        }
        LockSupport.unpark(t);
    }

    void disarm(Invocation inv) {
        armed.compareAndSet(inv, null);
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
                LockSupport.park(this);
                continue;
            }
            long wait = inv.watchdogDeadlineNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
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
