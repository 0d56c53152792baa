package io.lambdascope.agent.internal.export;

import io.lambdascope.agent.internal.Diagnostics;
import io.lambdascope.agent.internal.invocation.Invocation;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Turns invocations into OTLP requests and sends them, one request per invocation, before the handler returns.
 * Spans the collector could not take (down, refusing, silent, 429/5xx) wait in a small bounded buffer and go
 * out with the next request; what does not fit is dropped and counted, and the count rides on the next span
 * ({@code lambdascope.agent.dropped_spans}). A provisional timeout record still in the buffer is replaced by its
 * correction (same span id). All methods are serialized: the watchdog and handler threads share one connection.
 */
public final class SpanExporter {
    private static final int REQUEST_RESOURCE_SPANS = 1;
    private static final int RESOURCE_SPANS_RESOURCE = 1;
    private static final int RESOURCE_SPANS_SCOPE_SPANS = 2;
    private static final int SCOPE_SPANS_SCOPE = 1;
    private static final int SCOPE_SPANS_SPANS = 2;
    private static final int MAX_BUFFERED_BYTES = 1024 * 1024;

    private final OtlpHttpClient http;
    private final int maxBufferedSpans;
    private final ProtoWriter request = new ProtoWriter(8 * 1024);
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    private int bufferedBytes;
    private long unreportedDrops;
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

    /** Encodes and sends the span of {@code inv}; returns whether the collector accepted it. */
    public synchronized boolean export(Invocation inv, boolean provisional, long deadlineNanos) {
        request.reset();
        int resourceSpans = request.beginMessage(REQUEST_RESOURCE_SPANS);
        if (resource != null) {
            request.bytes(RESOURCE_SPANS_RESOURCE, resource);
        }
        int scopeSpans = request.beginMessage(RESOURCE_SPANS_SCOPE_SPANS);
        request.bytes(SCOPE_SPANS_SCOPE, scope == null ? new byte[0] : scope);
        for (Iterator<Pending> it = buffer.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.spanId == inv.spanId && p.traceIdLow == inv.traceIdLow) {
                // superseded: the correction of a provisional timeout record
                it.remove();
                bufferedBytes -= p.bytes.length;
                unreportedDrops += p.carriedDrops;
                continue;
            }
            request.bytes(SCOPE_SPANS_SPANS, p.bytes);
        }
        long carried = unreportedDrops;
        unreportedDrops = 0;
        int spanStart = request.beginMessage(SCOPE_SPANS_SPANS);
        SpanEncoder.span(request, inv, spanName, provisional, carried);
        int spanLength = request.size() - spanStart;
        request.endMessage(spanStart);
        request.endMessage(scopeSpans);
        request.endMessage(resourceSpans);

        OtlpHttpClient.Result result = http.post(request.buffer(), request.size(), deadlineNanos);
        if (result == OtlpHttpClient.Result.OK) {
            buffer.clear();
            bufferedBytes = 0;
            return true;
        }
        Diagnostics.exportFailed(http.lastError());
        if (result == OtlpHttpClient.Result.REJECTED) {
            // The collector will not take this data: retrying cannot help.
            unreportedDrops += 1 + carried;
            for (Pending p : buffer) {
                unreportedDrops += 1 + p.carriedDrops;
            }
            buffer.clear();
            bufferedBytes = 0;
            return false;
        }
        // The span is the last thing in the request, so its bytes are the request's tail.
        byte[] span = new byte[spanLength];
        System.arraycopy(request.buffer(), request.size() - spanLength, span, 0, spanLength);
        buffer.addLast(new Pending(inv.traceIdLow, inv.spanId, span, carried));
        bufferedBytes += spanLength;
        while (!buffer.isEmpty() && (buffer.size() > maxBufferedSpans || bufferedBytes > MAX_BUFFERED_BYTES)) {
            Pending evicted = buffer.removeFirst();
            bufferedBytes -= evicted.bytes.length;
            unreportedDrops += 1 + evicted.carriedDrops;
        }
        return false;
    }

    /** Opens the connection ahead of the first export; failures are left for the export to report. */
    public synchronized void connect(long deadlineNanos) {
        http.connectIfIdle(deadlineNanos);
    }

    synchronized int bufferedSpans() {
        return buffer.size();
    }

    synchronized long unreportedDrops() {
        return unreportedDrops;
    }

    private static final class Pending {
        final long traceIdLow;
        final long spanId;
        final byte[] bytes;
        final long carriedDrops;

        Pending(long traceIdLow, long spanId, byte[] bytes, long carriedDrops) {
            this.traceIdLow = traceIdLow;
            this.spanId = spanId;
            this.bytes = bytes;
            this.carriedDrops = carriedDrops;
        }
    }
}
