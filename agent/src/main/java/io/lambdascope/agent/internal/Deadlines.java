package io.lambdascope.agent.internal;

/** Waiting with a deadline: no thread of the agent ever waits without one (but the Extensions API's next). */
public final class Deadlines {
    private Deadlines() {
    }

    /**
     * Waits on {@code monitor}, which the caller holds, until notified or {@code deadlineNanos}
     * (System.nanoTime); false when the deadline has passed or the thread was interrupted. Callers loop on their
     * condition: {@code while (!done) { if (!Deadlines.waitOn(this, deadline)) return false; }}.
     */
    public static boolean waitOn(Object monitor, long deadlineNanos) {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        if (left <= 0) {
            return false;
        }
        try {
            monitor.wait(left);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
