package io.lambdascope.agent.internal.export;

import io.lambdascope.agent.internal.Diagnostics;
import io.lambdascope.agent.internal.invocation.Invocation;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Turns invocations into OTLP requests and keeps the spans the collector has not taken yet. In direct mode
 * ({@link #export}) each invocation's span is encoded at the tail of a request that also carries the spans still
 * waiting, and sent at once. For the extension ({@link #add}, then {@link #sendPending}) spans are encoded into the
 * buffer first and sent later, one request for all of them.
 *
 * <p>Spans the collector could not take (down, refusing, silent, 429/5xx) stay in the bounded buffer; what does not
 * fit is dropped and counted, and the count rides on the next span encoded ({@code lambdascope.agent.dropped_spans};
 * platform events the extension dropped ride the same way as {@code lambdascope.agent.dropped_events}). A dropped
 * span hands the counts it carried back, so every loss is reported exactly once. A provisional timeout record still
 * in the buffer is replaced by its correction (same span id). All methods are serialized.
 */
public final class SpanExporter {
    private static final int REQUEST_RESOURCE_SPANS = 1;
    private static final int RESOURCE_SPANS_RESOURCE = 1;
    private static final int RESOURCE_SPANS_SCOPE_SPANS = 2;
    private static final int SCOPE_SPANS_SCOPE = 1;
    private static final int SCOPE_SPANS_SPANS = 2;
    static final int MAX_BUFFERED_BYTES = 1024 * 1024;

    private final OtlpHttpClient http;
    private final int maxBufferedSpans;
    private final ProtoWriter request = new ProtoWriter(8 * 1024);
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    /** The request body while it is sent, so that spans can be added meanwhile. */
    private byte[] inFlight;
    private long nextSeq;
    private int bufferedBytes;
    private int resourceSpansStart;
    private int scopeSpansStart;
    private long unreportedDrops;
    private long unreportedEventDrops;
    private byte[] resource;
    private byte[] scope;
    private String spanName = "unknown_function";

    public SpanExporter(OtlpHttpClient http, int maxBufferedSpans) {
        this.http = http;
        this.maxBufferedSpans = maxBufferedSpans;
    }

    public synchronized void setResource(byte[] resource, byte[] scope, String spanName) {
        this.resource = resource;
        this.scope = scope;
        this.spanName = spanName;
    }

    synchronized boolean hasResource() {
        return resource != null;
    }

    /** Direct mode: encodes and sends the span of {@code inv} with everything waiting; whether it was accepted. */
    public synchronized boolean export(Invocation inv, boolean provisional, long deadlineNanos) {
        beginRequest();
        for (Iterator<Pending> it = buffer.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.spanId == inv.spanId && p.traceIdLow == inv.traceIdLow) {
                it.remove();
                supersede(p);
                continue;
            }
            request.bytes(SCOPE_SPANS_SPANS, p.bytes);
        }
        long carried = unreportedDrops;
        long carriedEvents = unreportedEventDrops;
        unreportedDrops = 0;
        unreportedEventDrops = 0;
        int spanStart = request.beginMessage(SCOPE_SPANS_SPANS);
        SpanEncoder.span(request, inv, spanName, provisional, carried, carriedEvents);
        int spanLength = request.size() - spanStart;
        request.endMessage(spanStart);
        endRequest();

        OtlpHttpClient.Result result = http.post(request.buffer(), request.size(), deadlineNanos);
        if (result == OtlpHttpClient.Result.OK) {
            clear();
            return true;
        }
        Diagnostics.exportFailed(http.lastError());
        if (result == OtlpHttpClient.Result.REJECTED) {
            // The collector will not take this data: retrying cannot help.
            unreportedDrops += 1 + carried;
            unreportedEventDrops += carriedEvents;
            dropAll();
            return false;
        }
        // The span is the last thing in the request, so its bytes are the request's tail.
        byte[] span = new byte[spanLength];
        System.arraycopy(request.buffer(), request.size() - spanLength, span, 0, spanLength);
        append(new Pending(inv.traceIdLow, inv.spanId, span, carried, carriedEvents, System.currentTimeMillis()),
                maxBufferedSpans);
        return false;
    }

    /**
     * Extension mode: encodes the span of {@code inv} into the buffer, to be sent by {@link #sendPending}. At least
     * this span is kept, whatever the buffer size; a correction replaces its provisional record. The encoding runs
     * outside this object's lock, so that reading an invocation another thread holds can never block the others.
     */
    public void add(Invocation inv, boolean provisional, long nowMillis) {
        long carried;
        long carriedEvents;
        String name;
        synchronized (this) {
            carried = unreportedDrops;
            carriedEvents = unreportedEventDrops;
            unreportedDrops = 0;
            unreportedEventDrops = 0;
            name = spanName;
        }
        ProtoWriter w = new ProtoWriter(2 * 1024);
        try {
            SpanEncoder.span(w, inv, name, provisional, carried, carriedEvents);
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                // The counts ride on the next span instead; the caller counts this one as dropped.
                unreportedDrops += carried;
                unreportedEventDrops += carriedEvents;
            }
            throw e;
        }
        synchronized (this) {
            for (Iterator<Pending> it = buffer.iterator(); it.hasNext(); ) {
                Pending p = it.next();
                if (p.spanId == inv.spanId && p.traceIdLow == inv.traceIdLow) {
                    it.remove();
                    supersede(p);
                }
            }
            append(new Pending(inv.traceIdLow, inv.spanId, w.toByteArray(), carried, carriedEvents, nowMillis),
                    Math.max(1, maxBufferedSpans));
        }
    }

    /**
     * Sends every buffered span in one request; {@code null} when there was nothing to send. The buffer stays open
     * while the request is in flight: spans added meanwhile (a correction, say) stay for the next request. The
     * caller serializes use of the HTTP client.
     */
    OtlpHttpClient.Result sendPending(long deadlineNanos) {
        long sentUpTo;
        byte[] body;
        int length;
        synchronized (this) {
            if (buffer.isEmpty()) {
                return null;
            }
            beginRequest();
            for (Pending p : buffer) {
                request.bytes(SCOPE_SPANS_SPANS, p.bytes);
            }
            endRequest();
            sentUpTo = buffer.peekLast().seq;
            if (inFlight == null || inFlight.length < request.size()) {
                inFlight = new byte[Math.max(request.size(), 8 * 1024)];
            }
            System.arraycopy(request.buffer(), 0, inFlight, 0, request.size());
            body = inFlight;
            length = request.size();
        }
        OtlpHttpClient.Result result = http.post(body, length, deadlineNanos);
        synchronized (this) {
            if (result == OtlpHttpClient.Result.OK) {
                while (!buffer.isEmpty() && buffer.peekFirst().seq <= sentUpTo) {
                    bufferedBytes -= buffer.removeFirst().bytes.length;
                }
            } else {
                Diagnostics.exportFailed(http.lastError());
                if (result == OtlpHttpClient.Result.REJECTED || maxBufferedSpans == 0) {
                    while (!buffer.isEmpty() && buffer.peekFirst().seq <= sentUpTo) {
                        drop(buffer.removeFirst());
                    }
                }
            }
        }
        return result;
    }

    /** Spans lost before they reached the buffer (a full hand-over queue); reported on the next span. */
    public synchronized void countDroppedSpans(long spans) {
        unreportedDrops += spans;
    }

    /** Platform events the extension dropped; reported on the next span as {@code dropped_events}. */
    public synchronized void countDroppedEvents(long events) {
        unreportedEventDrops += events;
    }

    /** Opens the connection ahead of the first export; failures are left for the export to report. */
    public synchronized void connect(long deadlineNanos) {
        http.connectIfIdle(deadlineNanos);
    }

    synchronized int bufferedSpans() {
        return buffer.size();
    }

    synchronized int bufferedBytes() {
        return bufferedBytes;
    }

    /** Wall-clock millis when the oldest buffered span was added, or -1 when there is none. */
    synchronized long oldestMillis() {
        return buffer.isEmpty() ? -1 : buffer.peekFirst().addedMillis;
    }

    synchronized long unreportedDrops() {
        return unreportedDrops;
    }

    synchronized long unreportedEventDrops() {
        return unreportedEventDrops;
    }

    /** Starts a request with one resource and one scope; the spans go in before {@link #endRequest}. */
    private void beginRequest() {
        request.reset();
        resourceSpansStart = request.beginMessage(REQUEST_RESOURCE_SPANS);
        if (resource != null) {
            request.bytes(RESOURCE_SPANS_RESOURCE, resource);
        }
        scopeSpansStart = request.beginMessage(RESOURCE_SPANS_SCOPE_SPANS);
        request.bytes(SCOPE_SPANS_SCOPE, scope == null ? new byte[0] : scope);
    }

    private void endRequest() {
        request.endMessage(scopeSpansStart);
        request.endMessage(resourceSpansStart);
    }

    /** A buffered record replaced by a newer one of the same span: no loss, but its counts move on. */
    private void supersede(Pending p) {
        bufferedBytes -= p.bytes.length;
        unreportedDrops += p.carriedDrops;
        unreportedEventDrops += p.carriedEventDrops;
    }

    private void append(Pending p, int maxSpans) {
        p.seq = ++nextSeq;
        buffer.addLast(p);
        bufferedBytes += p.bytes.length;
        while (!buffer.isEmpty() && (buffer.size() > maxSpans
                || bufferedBytes > MAX_BUFFERED_BYTES && buffer.size() > 1)) {
            drop(buffer.removeFirst());
        }
    }

    private void drop(Pending evicted) {
        bufferedBytes -= evicted.bytes.length;
        unreportedDrops += 1 + evicted.carriedDrops;
        unreportedEventDrops += evicted.carriedEventDrops;
    }

    private void dropAll() {
        while (!buffer.isEmpty()) {
            drop(buffer.removeFirst());
        }
    }

    private void clear() {
        buffer.clear();
        bufferedBytes = 0;
    }

    private static final class Pending {
        final long traceIdLow;
        final long spanId;
        final byte[] bytes;
        final long carriedDrops;
        final long carriedEventDrops;
        final long addedMillis;
        long seq;

        Pending(long traceIdLow, long spanId, byte[] bytes, long carriedDrops, long carriedEventDrops,
                long addedMillis) {
            this.traceIdLow = traceIdLow;
            this.spanId = spanId;
            this.bytes = bytes;
            this.carriedDrops = carriedDrops;
            this.carriedEventDrops = carriedEventDrops;
            this.addedMillis = addedMillis;
        }
    }
}
