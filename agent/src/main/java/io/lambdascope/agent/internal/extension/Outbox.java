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
 */
final class Outbox implements InvocationSink {
    static final int CAPACITY = 64;

    private final ArrayDeque<Invocation> queue = new ArrayDeque<>();
    private final LambdaExtension extension;
    private long finished;
    private String lastRequestId;
    private long dropped;
    private volatile Thread waiter;

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
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
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
