package io.lambdascope.agent.internal.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lambdascope.agent.internal.invocation.Invocation;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The extension's sending: spans and platform events leave only on a 2xx, the circuit breaker stops the tries
 * while the collector keeps failing and lets one through after its window, bounded buffers drop the oldest and
 * every loss is reported exactly once on a later span. Time is a hand-moved wall clock, so the windows are exact.
 */
class DispatcherTest {
    private static final long BUDGET_MILLIS = 200;

    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private SwitchableCollector collector;

    @AfterEach
    void stop() throws Exception {
        if (collector != null) {
            collector.close();
        }
    }

    private Dispatcher dispatcher(int maxSpans, int maxEvents, boolean batch) throws Exception {
        collector = new SwitchableCollector();
        Dispatcher d = new Dispatcher(new OtlpHttpClient(collector.endpoint(), null), maxSpans, maxEvents, batch,
                10_000, clock::get);
        d.spans().setResource(new byte[0], SpanEncoder.scope("test"), "fn");
        d.setIdentity("orders-fn", "7", "123456789012", "eu-west-1", "2026/11/29/[7]abc");
        return d;
    }

    static Invocation invocation(int n) {
        Invocation inv = new Invocation(Thread.currentThread(), null, 1_000L * n, 0);
        inv.traceIdHigh = 1;
        inv.traceIdLow = 2;
        inv.spanId = n;
        inv.requestId = "r" + n;
        inv.outcome = "success";
        inv.endEpochNanos = 1_000L * n + 500;
        return inv;
    }

    private static byte[] event(int n, String type) {
        return ("{\"time\":\"2026-11-29T00:00:00.000Z\",\"type\":\"" + type + "\",\"record\":{\"requestId\":\"r" + n
                + "\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** One invocation as the extension handles it: its two platform events arrive, its span is encoded, flush. */
    private Dispatcher.Flush invoke(Dispatcher d, int n) {
        d.events().offer(event(n, "platform.start"), clock.get());
        d.events().offer(event(n, "platform.report"), clock.get());
        d.add(invocation(n), false);
        return d.flush(System.nanoTime() + BUDGET_MILLIS * 1_000_000L, false, false);
    }

    private static long sum(List<Span> spans, String attribute) {
        long total = 0;
        for (Span s : spans) {
            Object v = SpanEncoderTest.attrs(s.getAttributesList()).get(attribute);
            total += v == null ? 0 : (Long) v;
        }
        return total;
    }

    private static List<String> requestIds(List<Span> spans) {
        List<String> ids = new ArrayList<>();
        for (Span s : spans) {
            ids.add((String) SpanEncoderTest.attrs(s.getAttributesList()).get("faas.invocation_id"));
        }
        return ids;
    }

    @Test
    void healthyRefusingSilentHealthyWithExactCounts() throws Exception {
        Dispatcher d = dispatcher(4, 10, false);
        for (int n = 1; n <= 3; n++) {
            assertEquals(Dispatcher.Flush.SENT, invoke(d, n));
        }
        assertEquals(List.of("r1", "r2", "r3"), requestIds(collector.spans()));
        assertEquals(6, collector.events().size());
        assertEquals(6, collector.requestsSeen(), "a span request and an event request per invocation");

        collector.mode(SwitchableCollector.Mode.REFUSING);
        for (int n = 4; n <= 6; n++) {
            assertEquals(Dispatcher.Flush.FAILED, invoke(d, n), "attempt " + n);
        }
        assertTrue(d.breakerOpen(), "open after " + CircuitBreaker.THRESHOLD + " failures in a row");
        clock.addAndGet(1_000);
        for (int n = 7; n <= 8; n++) {
            assertEquals(Dispatcher.Flush.BREAKER_OPEN, invoke(d, n), "no attempt while open");
        }

        collector.mode(SwitchableCollector.Mode.SILENT);
        clock.addAndGet(CircuitBreaker.INITIAL_BACKOFF_MILLIS + 1_000);
        long start = System.nanoTime();
        assertEquals(Dispatcher.Flush.FAILED, invoke(d, 9), "the trial after the window times out");
        long tookMillis = (System.nanoTime() - start) / 1_000_000L;
        assertTrue(tookMillis >= BUDGET_MILLIS - 50 && tookMillis < BUDGET_MILLIS + 1_500, "took " + tookMillis);
        assertEquals(7, collector.requestsSeen(), "the trial reached the silent collector");
        clock.addAndGet(1_000);
        assertEquals(Dispatcher.Flush.BREAKER_OPEN, invoke(d, 10), "reopened, for twice as long");
        assertEquals(7, collector.requestsSeen());

        collector.mode(SwitchableCollector.Mode.HEALTHY);
        clock.addAndGet(2 * CircuitBreaker.INITIAL_BACKOFF_MILLIS);
        assertEquals(Dispatcher.Flush.SENT, invoke(d, 11));
        assertFalse(d.breakerOpen());
        assertEquals(Dispatcher.Flush.SENT, invoke(d, 12));

        // 4 spans fit: 4..7 were pushed out by 8..11, which arrive together, then 12.
        List<Span> spans = collector.spans();
        assertEquals(List.of("r1", "r2", "r3", "r8", "r9", "r10", "r11", "r12"), requestIds(spans));
        assertEquals(4, sum(spans, "lambdascope.agent.dropped_spans"), "every lost span counted exactly once");
        assertNull(SpanEncoderTest.attrs(spans.get(0).getAttributesList()).get("lambdascope.agent.dropped_spans"));
        // 10 events fit: those of 4, 5 and 6 were pushed out.
        List<String> eventIds = new ArrayList<>();
        for (JsonNode e : collector.events()) {
            eventIds.add(e.get("record").get("requestId").asText());
        }
        List<String> expected = new ArrayList<>();
        for (int n : new int[] {1, 2, 3, 7, 8, 9, 10, 11, 12}) {
            expected.add("r" + n);
            expected.add("r" + n);
        }
        assertEquals(expected, eventIds);
        assertEquals(6, sum(spans, "lambdascope.agent.dropped_events"), "every lost event counted exactly once");
        assertEquals(11, collector.requestsSeen(), "6 healthy, the silent trial, 2 + 2 after");
        assertEquals(0, d.spans().unreportedDrops());
        assertEquals(0, d.spans().unreportedEventDrops());

        String head = collector.eventHeads().get(0);
        assertTrue(head.startsWith("POST /v1/lambda/telemetry HTTP/1.1\r\n"), head);
        assertEquals("application/json", SwitchableCollector.header(head, "Content-Type"));
        assertEquals("orders-fn", SwitchableCollector.header(head, "X-Lambdascope-Function"));
        assertEquals("7", SwitchableCollector.header(head, "X-Lambdascope-Function-Version"));
        assertEquals("123456789012", SwitchableCollector.header(head, "X-Lambdascope-Account"));
        assertEquals("eu-west-1", SwitchableCollector.header(head, "X-Lambdascope-Region"));
        assertEquals("2026/11/29/[7]abc", SwitchableCollector.header(head, "X-Lambdascope-Instance"));
    }

    @Test
    void aRefusalDropsAndCountsWhileRetryableFailuresKeep() throws Exception {
        Dispatcher d = dispatcher(8, 8, false);
        collector.status(503);
        assertEquals(Dispatcher.Flush.FAILED, invoke(d, 1));
        assertEquals(1, d.spans().bufferedSpans());
        assertEquals(2, d.events().size(), "503: kept for the next try");
        collector.status(400);
        assertEquals(Dispatcher.Flush.SENT, invoke(d, 2), "the collector answered: no breaker failure");
        assertEquals(0, d.spans().bufferedSpans(), "refused: retrying cannot help");
        assertEquals(0, d.events().size(), "the events were tried too, and refused");
        collector.status(200);
        d.add(invocation(3), false);
        assertEquals(Dispatcher.Flush.SENT, d.flush(System.nanoTime() + 2_000_000_000L, false, false));
        assertEquals(List.of("r3"), requestIds(collector.spans()));
        assertEquals(2, sum(collector.spans(), "lambdascope.agent.dropped_spans"));
        assertEquals(4, sum(collector.spans(), "lambdascope.agent.dropped_events"));
        assertEquals(0, collector.events().size());
    }

    @Test
    void batchesGoOutWhenHalfFullOrOldOrForced() throws Exception {
        Dispatcher d = dispatcher(8, 100, true);
        long deadline = System.nanoTime() + 5_000_000_000L;
        for (int n = 1; n <= 3; n++) {
            d.add(invocation(n), false);
            assertEquals(Dispatcher.Flush.NOT_DUE, d.flush(deadline, false, false));
        }
        d.add(invocation(4), false);
        assertEquals(Dispatcher.Flush.SENT, d.flush(deadline, false, false), "4 of 8: half full");
        assertEquals(List.of("r1", "r2", "r3", "r4"), requestIds(collector.spans()));
        assertEquals(1, collector.requestsSeen(), "one request for the batch");

        d.add(invocation(5), false);
        clock.addAndGet(9_999);
        assertEquals(Dispatcher.Flush.NOT_DUE, d.flush(deadline, false, false));
        clock.addAndGet(1);
        assertEquals(Dispatcher.Flush.SENT, d.flush(deadline, false, false), "10 s old: due");

        d.events().offer(event(6, "platform.report"), clock.get());
        d.add(invocation(6), false);
        assertEquals(Dispatcher.Flush.NOT_DUE, d.flush(deadline, false, false));
        assertEquals(Dispatcher.Flush.SENT, d.flush(deadline, true, false), "forced: the watchdog or SIGTERM");
        assertEquals(6, collector.spans().size());
        assertEquals(1, collector.events().size());
        assertEquals(Dispatcher.Flush.NOTHING, d.flush(deadline, true, false));
    }

    @Test
    void certainlyIdleOnlyWhenNoFlushCouldSendSoon() throws Exception {
        Dispatcher batched = dispatcher(8, 100, true);
        assertTrue(batched.certainlyIdle(1), "batch: one span to come, nothing buffered");
        for (int n = 1; n <= 3; n++) {
            batched.add(invocation(n), false);
        }
        assertTrue(batched.certainlyIdle(0), "3 of 8");
        assertFalse(batched.certainlyIdle(1), "the pending span makes it half full");
        clock.addAndGet(10_000 - Dispatcher.IDLE_SLACK_MILLIS);
        assertFalse(batched.certainlyIdle(0), "due within the slack");
        collector.close();

        Dispatcher d = dispatcher(8, 8, false);
        assertTrue(d.certainlyIdle(0), "per invocation, nothing at all");
        assertFalse(d.certainlyIdle(1), "per invocation: a span to send");
        collector.mode(SwitchableCollector.Mode.REFUSING);
        for (int n = 1; n <= 3; n++) {
            assertEquals(Dispatcher.Flush.FAILED, invoke(d, n));
        }
        assertTrue(d.certainlyIdle(1), "the breaker is open");
        clock.addAndGet(CircuitBreaker.INITIAL_BACKOFF_MILLIS - Dispatcher.IDLE_SLACK_MILLIS);
        assertFalse(d.certainlyIdle(1), "the trial comes within the slack");
    }

    @Test
    void theLastChanceIgnoresTheBreaker() throws Exception {
        Dispatcher d = dispatcher(8, 8, false);
        collector.mode(SwitchableCollector.Mode.REFUSING);
        for (int n = 1; n <= 3; n++) {
            assertEquals(Dispatcher.Flush.FAILED, invoke(d, n));
        }
        collector.mode(SwitchableCollector.Mode.HEALTHY);
        d.add(invocation(4), false);
        long deadline = System.nanoTime() + 2_000_000_000L;
        assertEquals(Dispatcher.Flush.BREAKER_OPEN, d.flush(deadline, true, false));
        assertEquals(Dispatcher.Flush.SENT, d.flush(deadline, true, true));
        assertEquals(List.of("r1", "r2", "r3", "r4"), requestIds(collector.spans()));
        assertFalse(d.breakerOpen(), "a success closes it");
    }

    @Test
    void noTimeLeftSendsNothing() throws Exception {
        Dispatcher d = dispatcher(8, 8, false);
        d.add(invocation(1), false);
        assertEquals(Dispatcher.Flush.NO_TIME, d.flush(System.nanoTime() - 1, false, false));
        assertEquals(0, collector.requestsSeen());
        assertEquals(1, d.spans().bufferedSpans());
        assertFalse(d.breakerOpen());
    }
}
