package io.lambdascope.agent.internal.extension;

import io.lambdascope.agent.internal.invocation.Invocation;
import io.lambdascope.agent.internal.invocation.InvocationSink;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Where the handler's exit hook hands a finished invocation over in extension mode: a bounded queue, an
 * unpark of the extension's thread, nothing else (no encoding, no I/O on the handler's thread). What does not fit
 * is dropped and counted as a dropped span.
 *
 * <p>The handler returns before the runtime has posted its response: where the runtime's client tells when it
 * posted it ({@link LambdaExtension#postsTold()}), whoever encodes and sends first waits for that
 * ({@link #awaitResponsePosted}), so the caller's answer does not compete for the CPU with the agent's work.
 */
final class Outbox implements InvocationSink {
    static final int CAPACITY = 64;

    private final ArrayDeque<Invocation> queue = new ArrayDeque<>();
    private final LambdaExtension extension;
    private long finished;
    private String lastRequestId;
    private long dropped;
    private volatile Thread waiter;
    /** A hand-over whose response the runtime has not posted yet. */
    private volatile boolean responsePending;
    /** The thread in {@link #awaitResponsePosted}, if any. */
    private volatile Thread postWaiter;
    /** Waits for a post that never came, in a row; at {@link #MAX_MISSED_POSTS} the runtime is no longer awaited. */
    private volatile int missedPosts;
    static final int MAX_MISSED_POSTS = 3;
    /** How long after a hand-over a response may take to be posted before the agent's work goes on anyway. */
    static final long POST_WAIT_NANOS = 100_000_000L;

    Outbox(LambdaExtension extension) {
        this.extension = extension;
    }

    @Override
    public void finished(Invocation inv) {
        synchronized (queue) {
            if (queue.size() >= CAPACITY) {
                queue.removeFirst();
                dropped++;
            }
            queue.addLast(inv);
            finished++;
            lastRequestId = inv.requestId;
        }
        if (missedPosts < MAX_MISSED_POSTS && extension.postsTold()) {
            responsePending = true;
        }
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    @Override
    public void responsePosted() {
        responsePending = false;
        Thread w = postWaiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    /**
     * Waits until the runtime posted the response of the invocation last handed over, at most {@code maxNanos};
     * returns at once where the runtime does not tell, or it already did. A wait that ends without the post (a
     * path of the runtime's client without the hook) counts; after {@link #MAX_MISSED_POSTS} in a row, nothing
     * waits for the runtime any more.
     */
    void awaitResponsePosted(long maxNanos) {
        if (!responsePending || maxNanos <= 0) {
            return; // no time left to wait is no miss: the deadline, not the runtime, ended it
        }
        long end = System.nanoTime() + maxNanos;
        postWaiter = Thread.currentThread();
        try {
            while (responsePending) { // read again after postWaiter is set: a post in between is never missed
                long left = end - System.nanoTime();
                if (left <= 0) {
                    responsePending = false;
                    if (++missedPosts == MAX_MISSED_POSTS) {
                        System.err.println("lambdascope: the runtime's client did not tell when it posted "
                                + MAX_MISSED_POSTS + " responses in a row; spans are sent as the handler returns");
                    }
                    return;
                }
                LockSupport.parkNanos(this, left);
            }
            missedPosts = 0;
        } finally {
            postWaiter = null;
        }
    }

    @Override
    public void timedOut(long deadlineNanos) {
        extension.flushOnTimeout(deadlineNanos);
    }

    /** The thread to wake when an invocation is handed over (the extension's loop). */
    void setWaiter(Thread thread) {
        waiter = thread;
    }

    /** Invocations handed over and not yet taken by the sender. */
    int pending() {
        synchronized (queue) {
            return queue.size();
        }
    }

    long finishedCount() {
        synchronized (queue) {
            return finished;
        }
    }

    /**
     * Whether the invocation of {@code requestId} was handed over; a handler without a Context has no request id,
     * so any invocation finished since {@code finishedBefore} counts then.
     */
    boolean hasFinished(String requestId, long finishedBefore) {
        synchronized (queue) {
            for (Invocation inv : queue) {
                if (requestId.equals(inv.requestId)) {
                    return true;
                }
            }
            return finished > finishedBefore && lastRequestId == null;
        }
    }

    /** Waits for a post that never came, in a row (for tests). */
    int missedPosts() {
        return missedPosts;
    }

    /** Moves every waiting invocation into {@code into}; returns how many were dropped since the last call. */
    long drainTo(List<Invocation> into) {
        synchronized (queue) {
            into.addAll(queue);
            queue.clear();
            long d = dropped;
            dropped = 0;
            return d;
        }
    }
}
