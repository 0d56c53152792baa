package io.lambdascope.agent.internal.invocation;

/**
 * Wall-clock nanoseconds with the monotonic clock's resolution. The offset between the two clocks is refreshed
 * whenever it drifts by more than 2 ms, which also covers an execution environment frozen between invocations.
 */
public final class Clock {
    private static final long MAX_DRIFT_NANOS = 2_000_000L;
    private static volatile long offset = System.currentTimeMillis() * 1_000_000L - System.nanoTime();

    private Clock() {
    }

    public static long epochNanos(long nanoTime) {
        long current = offset;
        long measured = System.currentTimeMillis() * 1_000_000L - nanoTime;
        if (Math.abs(measured - current) > MAX_DRIFT_NANOS) {
            offset = measured;
            return measured + nanoTime;
        }
        return current + nanoTime;
    }
}
