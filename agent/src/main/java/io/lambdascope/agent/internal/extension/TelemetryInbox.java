package io.lambdascope.agent.internal.extension;

import io.lambdascope.agent.internal.Deadlines;
import io.lambdascope.agent.internal.export.PlatformEvents;
import io.lambdascope.agent.internal.lambda.TelemetryListener;
import java.util.concurrent.locks.LockSupport;

/**
 * What the Telemetry listener hands over: every event goes to the bounded {@link PlatformEvents} queue; a
 * {@code platform.runtimeDone} wakes the extension's loop (the invocation of an uninstrumented handler is over),
 * a {@code platform.report} wakes the shutdown hook (the last invocation's report is in), and so does a
 * {@code platform.initReport} (how init ended, for a runtime that exits before any invocation: an init error).
 */
final class TelemetryInbox implements TelemetryListener.Sink {
    private final PlatformEvents events;
    private volatile Thread waiter;
    private volatile String lastRuntimeDone;
    private String lastReport;
    private boolean initReported;
    private volatile boolean refusalReported;
    private final boolean debug;

    TelemetryInbox(PlatformEvents events, boolean debug) {
        this.events = events;
        this.debug = debug;
    }

    void setWaiter(Thread thread) {
        waiter = thread;
    }

    @Override
    public void event(byte[] json, String type, String requestId) {
        events.offer(json, System.currentTimeMillis());
        if ("platform.runtimeDone".equals(type) && requestId != null) {
            lastRuntimeDone = requestId;
            Thread w = waiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        } else if ("platform.report".equals(type) && requestId != null) {
            synchronized (this) {
                lastReport = requestId;
                notifyAll();
            }
        } else if ("platform.initReport".equals(type)) {
            synchronized (this) {
                initReported = true;
                notifyAll();
            }
        }
    }

    @Override
    public void refused(String reason) {
        if (!refusalReported || debug) {
            refusalReported = true;
            System.err.println("lambdascope: the Telemetry listener refused a batch: " + reason);
        }
    }

    boolean runtimeDone(String requestId) {
        return requestId.equals(lastRuntimeDone);
    }

    /** Waits until the report of {@code requestId} arrived or {@code deadlineNanos}; whether it did. */
    synchronized boolean awaitReport(String requestId, long deadlineNanos) {
        while (!requestId.equals(lastReport)) {
            if (!Deadlines.waitOn(this, deadlineNanos)) {
                return false;
            }
        }
        return true;
    }

    /** Waits until a {@code platform.initReport} arrived or {@code deadlineNanos}; whether it did. */
    synchronized boolean awaitInitReport(long deadlineNanos) {
        while (!initReported) {
            if (!Deadlines.waitOn(this, deadlineNanos)) {
                return false;
            }
        }
        return true;
    }
}
