package io.lambdascope.agent.internal.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.lambdascope.agent.internal.invocation.Invocation;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retry buffer semantics against a real HTTP server: corrections replace provisional records, 4xx drops. */
class SpanExporterTest {
    private HttpServer server;
    private final List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                byte[] body = in.readAllBytes();
                if (status == 200) {
                    received.add(ExportTraceServiceRequest.parseFrom(body));
                }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private SpanExporter exporter(int maxBuffered) {
        SpanExporter e = new SpanExporter(new OtlpHttpClient(
                "http://127.0.0.1:" + server.getAddress().getPort(), null), maxBuffered);
        e.setResource(new byte[0], SpanEncoder.scope("test"), "fn");
        return e;
    }

    private static Invocation invocation(long spanId) {
        Invocation inv = new Invocation(Thread.currentThread(), null, 1_000, 0);
        inv.traceIdHigh = 1;
        inv.traceIdLow = 2;
        inv.spanId = spanId;
        inv.requestId = "r" + spanId;
        inv.outcome = "success";
        inv.endEpochNanos = 2_000;
        inv.timeoutEpochNanos = 1_500;
        return inv;
    }

    private static long deadline() {
        return System.nanoTime() + 5_000_000_000L;
    }

    private List<Span> spans(int request) {
        return received.get(request).getResourceSpans(0).getScopeSpans(0).getSpansList();
    }

    @Test
    void correctionReplacesABufferedProvisionalRecord() {
        SpanExporter exporter = exporter(8);
        status = 503;
        Invocation inv = invocation(7);
        assertFalse(exporter.export(inv, true, deadline()));
        assertEquals(1, exporter.bufferedSpans());
        status = 200;
        assertTrue(exporter.export(inv, false, deadline()));
        assertEquals(0, exporter.bufferedSpans());
        List<Span> spans = spans(0);
        assertEquals(1, spans.size(), "only the correction goes out");
        assertEquals(2_000, spans.get(0).getEndTimeUnixNano());
        assertEquals("success", attribute(spans.get(0), "lambdascope.outcome"));
        assertNull(attribute(spans.get(0), "lambdascope.timeout.provisional"));
        assertNull(attribute(spans.get(0), "lambdascope.agent.dropped_spans"), "a replaced record is no loss");
    }

    @Test
    void rejectedRequestsAreDroppedAndCounted() {
        SpanExporter exporter = exporter(8);
        status = 503;
        assertFalse(exporter.export(invocation(1), false, deadline()));
        assertEquals(1, exporter.bufferedSpans());
        assertEquals(0, exporter.unreportedDrops(), "a retryable failure keeps the span");
        status = 400;
        assertFalse(exporter.export(invocation(2), false, deadline()));
        assertEquals(0, exporter.bufferedSpans());
        assertEquals(2, exporter.unreportedDrops());
        status = 200;
        assertTrue(exporter.export(invocation(3), false, deadline()));
        assertEquals(1, spans(0).size(), "nothing dropped is sent again");
        Span span = spans(0).get(0);
        assertEquals("r3", attribute(span, "faas.invocation_id"));
        assertEquals(2L, attribute(span, "lambdascope.agent.dropped_spans"),
                "the buffered span and the rejected one");
        assertEquals(0, exporter.unreportedDrops());

        assertTrue(exporter.export(invocation(4), false, deadline()));
        assertNull(attribute(spans(1).get(0), "lambdascope.agent.dropped_spans"), "reported once, then reset");
    }

    @Test
    void zeroBufferDropsAtOnce() {
        SpanExporter exporter = exporter(0);
        status = 503;
        assertFalse(exporter.export(invocation(1), false, deadline()));
        assertEquals(0, exporter.bufferedSpans());
        assertEquals(1, exporter.unreportedDrops());
        status = 200;
        assertTrue(exporter.export(invocation(2), false, deadline()));
        assertEquals(1, spans(0).size());
        assertEquals(1L, attribute(spans(0).get(0), "lambdascope.agent.dropped_spans"));
    }

    private static Object attribute(Span span, String key) {
        return SpanEncoderTest.attrs(span.getAttributesList()).get(key);
    }
}
