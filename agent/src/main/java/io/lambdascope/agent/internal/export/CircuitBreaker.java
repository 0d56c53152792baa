package io.lambdascope.agent.internal.export;

/**
 * Stops the extension from trying a collector that keeps failing. After {@link #THRESHOLD} consecutive failures
 * (refused, timed out, 408/429/5xx) it opens for a back-off window; once the window has passed, one request is
 * let through: a success closes the breaker, a failure opens it again for twice as long, up to
 * {@link #MAX_BACKOFF_MILLIS}. A collector's {@code Retry-After} lengthens the window (never beyond the maximum).
 * Time is the wall clock, passed in, so a frozen execution environment counts the pause. Not thread-safe: the
 * dispatcher serializes calls.
 */
final class CircuitBreaker {
    static final int THRESHOLD = 3;
    static final long INITIAL_BACKOFF_MILLIS = 5_000;
    static final long MAX_BACKOFF_MILLIS = 300_000;

    private int consecutiveFailures;
    private boolean open;
    private long openUntilMillis;
    private long backoffMillis = INITIAL_BACKOFF_MILLIS;

    /** Whether a request may be tried now (closed, or open with the window passed: the trial). */
    boolean allows(long nowMillis) {
        if (!open) {
            return true;
        }
        if (openUntilMillis - nowMillis > MAX_BACKOFF_MILLIS) {
            openUntilMillis = nowMillis + backoffMillis; // the clock went back: keep the window bounded
        }
        return nowMillis >= openUntilMillis;
    }

    void success() {
        consecutiveFailures = 0;
        open = false;
        backoffMillis = INITIAL_BACKOFF_MILLIS;
    }

    void failure(long nowMillis, long retryAfterMillis) {
        consecutiveFailures++;
        if (open) {
            backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
        } else if (consecutiveFailures < THRESHOLD) {
            return;
        }
        open = true;
        openUntilMillis = nowMillis + Math.min(Math.max(backoffMillis, retryAfterMillis), MAX_BACKOFF_MILLIS);
    }

    boolean isOpen() {
        return open;
    }

    long openUntilMillis() {
        return openUntilMillis;
    }
}
