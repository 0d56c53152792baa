package io.lambdascope.agent.internal.extension;

import io.lambdascope.agent.internal.Deadlines;
import io.lambdascope.agent.internal.Diagnostics;
import io.lambdascope.agent.internal.export.Dispatcher;
import io.lambdascope.agent.internal.invocation.Invocation;
import io.lambdascope.agent.internal.lambda.MemoryProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

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
    /** This sender's thread: parks when idle, so that the outbox's hand-over can wake it directly. */
    private volatile Thread thread;
    /** Armed: the next hand-over starts a flush on this thread, without the loop in between. */
    private boolean armed;
    private long armedFlushNanos;
    private long armedEndNanos;
    private Thread armedBy;
    /** The ticket of the flush the hand-over started (0: none yet), and when it started. */
    private long armedTicket;
    private long armedStartNanos;

    FlushThread(Dispatcher dispatcher, Outbox outbox) {
        this.dispatcher = dispatcher;
        this.outbox = outbox;
    }

    static FlushThread start(Dispatcher dispatcher, Outbox outbox) {
        FlushThread f = new FlushThread(dispatcher, outbox);
        Thread t = new Thread(f, "lambdascope-flush");
        t.setDaemon(true);
        f.thread = t;
        t.start();
        return f;
    }

    /** Opens the collector connection while the first invocation runs. */
    void warmUp(long deadline) {
        synchronized (this) {
            warmUp = true;
            warmUpDeadlineNanos = deadline;
        }
        LockSupport.unpark(thread);
    }

    /** Asks for a flush within {@code deadline}; returns the ticket to {@link #await}. */
    long request(long deadline) {
        long ticket;
        synchronized (this) {
            deadlineNanos = deadline;
            ticket = ++requested;
        }
        LockSupport.unpark(thread);
        return ticket;
    }

    /**
     * For the extension's loop when an INVOKE arrives and the flush will send: the handler's hand-over wakes this
     * thread, which encodes and sends at once (within {@code flushNanos} of the hand-over and before
     * {@code endNanos}) and then unparks {@code loop}. The loop is not woken in between: on a small share of a
     * core, one thread woken instead of two, while the runtime posts its response. The caller then makes the
     * outbox wake this thread ({@link #thread}) and waits with {@link #armedFlush}. Only an idle sender is
     * armed (false otherwise, and nothing changed): one still busy with an earlier flush (a silent collector, a
     * hang) would not take the hand-over, and the loop, which the hand-over no longer wakes, would wait for it.
     */
    synchronized boolean arm(long flushNanos, long endNanos, Thread loop) {
        if (requested != completed || warmUp) {
            return false;
        }
        armed = true;
        armedFlushNanos = flushNanos;
        armedEndNanos = endNanos;
        armedBy = loop;
        armedTicket = 0;
        return true;
    }

    /** The sender's thread, for the outbox to wake when armed. */
    Thread thread() {
        return thread;
    }

    // Below any nanoTime a running JVM reads (it would have to have run for about 292 years), so apart from
    // the flush's end, which armedFlush returns otherwise.
    /** Armed and no hand-over seen: nothing started; the loop goes on as if it had never armed. */
    static final long NOT_STARTED = Long.MIN_VALUE;
    /** The armed flush is done. */
    static final long DONE = Long.MIN_VALUE + 1;

    /**
     * Where the armed flush is: {@link #DONE}, {@link #NOT_STARTED}, or the nanoTime by which it ends (it is
     * under way). With {@code disarm}, a flush not started yet never will be.
     */
    synchronized long armedFlush(boolean disarm) {
        if (armedTicket == 0) {
            if (disarm) {
                armed = false;
            }
            return NOT_STARTED;
        }
        if (completed >= armedTicket) {
            return DONE;
        }
        return Math.min(armedStartNanos + armedFlushNanos, armedEndNanos);
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
            Thread wake;
            while (true) {
                synchronized (this) {
                    if (armed && outbox.pending() > 0) {
                        armed = false;
                        armedStartNanos = System.nanoTime();
                        if (requested == completed) {
                            deadlineNanos = Math.min(armedStartNanos + armedFlushNanos, armedEndNanos);
                            requested++;
                        }
                        armedTicket = requested; // a flush asked for meanwhile takes the hand-over along
                    }
                    if (requested != completed || warmUp) {
                        break;
                    }
                }
                LockSupport.park(this); // woken by request, warmUp, or the outbox when armed
                Thread.interrupted(); // a daemon: keep serving
            }
            synchronized (this) {
                ticket = requested;
                deadline = deadlineNanos;
                warm = warmUp;
                warmDeadline = warmUpDeadlineNanos;
                warmUp = false;
                wake = ticket == armedTicket ? armedBy : null;
            }
            try {
                if (warm) {
                    dispatcher.warmUp(warmDeadline);
                }
                if (ticket > completed) {
                    outbox.awaitResponsePosted(Math.min(Outbox.POST_WAIT_NANOS, deadline - System.nanoTime()));
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
                if (wake != null) {
                    LockSupport.unpark(wake);
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
