package io.lambdascope.agent.internal.export;

import io.lambdascope.agent.internal.Diagnostics;
import java.util.ArrayDeque;

/**
 * The platform events (Telemetry API) and the agent's own {@code lambdascope.*} events waiting to go to the
 * collector, each kept as the JSON object Lambda delivered. Bounded by count and bytes: what does not fit pushes
 * the oldest out, and every event lost is counted on the next span ({@code lambdascope.agent.dropped_events}).
 * The listener's threads add while a request is in flight; events leave only when the collector answered 2xx.
 */
public final class PlatformEvents {
    static final int MAX_BYTES = 1024 * 1024;

    private final int maxEvents;
    private final SpanExporter dropReport;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private int bytes;
    private long nextSeq;
    private byte[] body = new byte[8 * 1024];

    public PlatformEvents(int maxEvents, SpanExporter dropReport) {
        this.maxEvents = maxEvents;
        this.dropReport = dropReport;
    }

    /** Adds one event (a JSON object, not copied: the caller hands it over). */
    public void offer(byte[] json, long nowMillis) {
        long dropped = 0;
        synchronized (this) {
            Entry e = new Entry(json, nowMillis, ++nextSeq);
            queue.addLast(e);
            bytes += json.length;
            while (!queue.isEmpty() && (queue.size() > maxEvents || bytes > MAX_BYTES)) {
                bytes -= queue.removeFirst().json.length;
                dropped++;
            }
        }
        if (dropped > 0) {
            dropReport.countDroppedEvents(dropped);
        }
    }

    /** Events the listener could not even queue (a batch it refused to parse is not counted: Lambda resends it). */
    public void countDropped(long events) {
        dropReport.countDroppedEvents(events);
    }

    public synchronized int size() {
        return queue.size();
    }

    synchronized int bytes() {
        return bytes;
    }

    /** Wall-clock millis when the oldest event was added, or -1 when there is none. */
    synchronized long oldestMillis() {
        return queue.isEmpty() ? -1 : queue.peekFirst().addedMillis;
    }

    /**
     * Sends every queued event as one JSON array on {@code route}; {@code null} when there was nothing to send.
     * The caller serializes use of the HTTP client.
     */
    OtlpHttpClient.Result send(OtlpHttpClient http, OtlpHttpClient.Route route, long deadlineNanos) {
        long sentUpTo;
        int length;
        synchronized (this) {
            if (queue.isEmpty()) {
                return null;
            }
            int needed = bytes + queue.size() + 2;
            if (body.length < needed) {
                body = new byte[Math.max(needed, body.length * 2)];
            }
            length = 0;
            body[length++] = '[';
            for (Entry e : queue) {
                if (length > 1) {
                    body[length++] = ',';
                }
                System.arraycopy(e.json, 0, body, length, e.json.length);
                length += e.json.length;
            }
            body[length++] = ']';
            sentUpTo = queue.peekLast().seq;
        }
        OtlpHttpClient.Result result = http.post(route, body, length, deadlineNanos);
        long dropped = 0;
        synchronized (this) {
            if (result == OtlpHttpClient.Result.OK || result == OtlpHttpClient.Result.REJECTED) {
                while (!queue.isEmpty() && queue.peekFirst().seq <= sentUpTo) {
                    bytes -= queue.removeFirst().json.length;
                    if (result == OtlpHttpClient.Result.REJECTED) {
                        dropped++;
                    }
                }
            }
        }
        if (result != OtlpHttpClient.Result.OK) {
            Diagnostics.exportFailed(http.lastError());
        }
        if (dropped > 0) {
            dropReport.countDroppedEvents(dropped);
        }
        return result;
    }

    private static final class Entry {
        final byte[] json;
        final long addedMillis;
        final long seq;

        Entry(byte[] json, long addedMillis, long seq) {
            this.json = json;
            this.addedMillis = addedMillis;
            this.seq = seq;
        }
    }
}
