package io.lambdascope.agent.internal.extension;

import io.lambdascope.agent.internal.Deadlines;
import io.lambdascope.agent.internal.Diagnostics;
import io.lambdascope.agent.internal.export.Dispatcher;
import io.lambdascope.agent.internal.invocation.Invocation;
import io.lambdascope.agent.internal.lambda.MemoryProbe;
import java.util.ArrayList;
import java.util.List;

/**
 * The extension's sender: encodes the handed-over invocations and flushes the dispatcher, on its own thread, so
 * that the loop that talks to the Extensions API only ever waits for it with a deadline. Whatever happens in
 * here (a silent collector, a stuck DNS lookup, a bug), the loop calls {@code next} in time; a flush still
 * running then simply goes on (or resumes after the freeze) and its data stays buffered until it succeeds.
 */
final class FlushThread implements Runnable {
    private final Dispatcher dispatcher;
    private final Outbox outbox;
    private final MemoryProbe memory = new MemoryProbe();
    private long requested;
    private long completed;
    private long deadlineNanos;
    private long warmUpDeadlineNanos;
    private boolean warmUp;

    FlushThread(Dispatcher dispatcher, Outbox outbox) {
        this.dispatcher = dispatcher;
        this.outbox = outbox;
    }

    static FlushThread start(Dispatcher dispatcher, Outbox outbox) {
        FlushThread f = new FlushThread(dispatcher, outbox);
        Thread t = new Thread(f, "lambdascope-flush");
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** Opens the collector connection while the first invocation runs. */
    synchronized void warmUp(long deadline) {
        warmUp = true;
        warmUpDeadlineNanos = deadline;
        notifyAll();
    }

    /** Asks for a flush within {@code deadline}; returns the ticket to {@link #await}. */
    synchronized long request(long deadline) {
        deadlineNanos = deadline;
        requested++;
        notifyAll();
        return requested;
    }

    /**
     * For the extension's loop at the end of an invocation: when the flush would certainly send nothing (a batch
     * not due, the breaker open), asks the sender to encode what the handler handed over and returns true without
     * waiting for it, so the loop calls {@code next} at once; false, and nothing asked, otherwise. On a small share
     * of a core, waking the sender and being woken back is most of the post-runtime phase when nothing is sent.
     * The encoding may finish after {@code next} (or after the thaw): it is work in memory, never I/O.
     */
    boolean requestWithoutWaiting(long deadline) {
        synchronized (this) {
            if (requested != completed || warmUp) {
                return false;
            }
        }
        if (!dispatcher.certainlyIdle(outbox.pending())) {
            return false;
        }
        request(deadline);
        return true;
    }

    /** Waits until the flush of {@code ticket} is done, at most until {@code untilNanos}; whether it is. */
    synchronized boolean await(long ticket, long untilNanos) {
        while (completed < ticket) {
            if (!Deadlines.waitOn(this, untilNanos)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void run() {
        while (true) {
            long ticket;
            long deadline;
            boolean warm;
            long warmDeadline;
            synchronized (this) {
                while (requested == completed && !warmUp) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // a daemon: keep serving
                    }
                }
                ticket = requested;
                deadline = deadlineNanos;
                warm = warmUp;
                warmDeadline = warmUpDeadlineNanos;
                warmUp = false;
            }
            try {
                if (warm) {
                    dispatcher.warmUp(warmDeadline);
                }
                if (ticket > completed) {
                    encodeHandedOver(memory);
                    dispatcher.flush(deadline, false, false);
                }
            } catch (Throwable t) {
                Diagnostics.hookFailed(t);
            } finally {
                synchronized (this) {
                    if (ticket > completed) {
                        completed = ticket;
                    }
                    notifyAll();
                }
            }
        }
    }

    /**
     * Encodes every invocation the handler handed over into the dispatcher's buffer. Peak RSS is read here, off
     * the handler's thread: a high-water mark, read a moment after the handler returned.
     */
    void encodeHandedOver(MemoryProbe probe) {
        List<Invocation> batch = new ArrayList<>(4);
        long dropped = outbox.drainTo(batch);
        if (dropped > 0) {
            dispatcher.spans().countDroppedSpans(dropped);
        }
        for (int i = 0; i < batch.size(); i++) {
            Invocation inv = batch.get(i);
            try {
                synchronized (probe) {
                    inv.peakRssBytes = probe.peakRssBytes();
                }
                dispatcher.add(inv, false);
            } catch (Throwable t) {
                // One broken invocation must not keep the others from going out.
                dispatcher.spans().countDroppedSpans(1);
                Diagnostics.hookFailed(t);
            }
        }
    }
}
