package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The watchdog: shortly before the deadline it exports a provisional timeout record with the handler thread's
 * stack; a handler that still returns gets a correction with the same ids; a process killed at the deadline
 * leaves the provisional record as the final word.
 */
class TimeoutIT {
    private static final String SLOW = "io.lambdascope.agent.testfn.Handlers$Slow";

    @Test
    void watchdogReportsBeforeTheDeadlineAndIsCorrectedIfTheHandlerReturns() throws Exception {
        try (CaptureServer collector = CaptureServer.start();
             // A wide margin: the provisional record must get out on a heavily loaded test machine too.
             FunctionProcess fn = FunctionProcess.builder().handler(SLOW).endpoint(collector.endpoint())
                     .env("LAMBDASCOPE_TIMEOUT_MARGIN", "1s").start()) {
            fn.awaitReady(Duration.ofSeconds(20));

            // 4 s timeout: margin min(1000 ms, 4000/4) fires at ~3 s, the handler returns at 5 s.
            fn.send(SLOW, "t-late", 4000, "string:5000");
            CaptureServer.Captured provisional = collector.await(c -> "t-late".equals(c.attr("faas.invocation_id")),
                    Duration.ofSeconds(20));
            Map<String, Object> p = Otlp.attributes(provisional.span.getAttributesList());
            assertEquals("timeout", p.get("lambdascope.outcome"));
            assertEquals(true, p.get("lambdascope.timeout.provisional"));
            assertEquals(4000L, p.get("lambdascope.function.timeout_ms"));
            assertEquals(Status.StatusCode.STATUS_CODE_ERROR, provisional.span.getStatus().getCode());
            Map<String, Object> timeout = HandlerMatrixIT.event(provisional.span, "lambdascope.timeout");
            String stack = (String) timeout.get("lambdascope.timeout.stacktrace");
            assertTrue(stack.contains("java.lang.Thread.sleep"), stack);
            assertTrue(stack.contains("Handlers$Slow.sleepInsideHandler(Handlers.java:"), stack);
            assertTrue(stack.contains("Handlers$Slow.handleRequest(Handlers.java:"), stack);
            long remaining = (Long) timeout.get("lambdascope.timeout.remaining_ms");
            assertTrue(remaining > 0 && remaining <= 1000, "fired before the deadline, within the margin: " + remaining);

            assertEquals("returned:slept 5000", fn.result(Duration.ofSeconds(20)));
            List<CaptureServer.Captured> spans = collector.spans();
            assertEquals(2, spans.size());
            Span correction = spans.get(1).span;
            assertEquals(provisional.span.getTraceId(), correction.getTraceId());
            assertEquals(provisional.span.getSpanId(), correction.getSpanId());
            Map<String, Object> c = Otlp.attributes(correction.getAttributesList());
            assertEquals("t-late", c.get("faas.invocation_id"));
            assertEquals("success", c.get("lambdascope.outcome"));
            assertNull(c.get("lambdascope.timeout.provisional"));
            assertTrue(Otlp.events(correction, "lambdascope.timeout").isEmpty());
            assertTrue(correction.getEndTimeUnixNano() > provisional.span.getEndTimeUnixNano());
            assertEquals(provisional.span.getStartTimeUnixNano(), correction.getStartTimeUnixNano());

            // An invocation well within its timeout: the watchdog stays silent.
            assertEquals("returned:slept 10", fn.invoke(SLOW, "t-fast", 1500, "string:10"));
            assertEquals(3, collector.spans().size());
            assertEquals("success", collector.spans().get(2).attr("lambdascope.outcome"));

            // Killed at the deadline, as Lambda does: the provisional record is all there is.
            fn.send(SLOW, "t-killed", 2000, "string:60000");
            CaptureServer.Captured killed = collector.await(k -> "t-killed".equals(k.attr("faas.invocation_id")),
                    Duration.ofSeconds(20));
            fn.kill();
            assertEquals("timeout", killed.attr("lambdascope.outcome"));
            assertEquals(true, killed.attr("lambdascope.timeout.provisional"));
            assertEquals(false, killed.attr("faas.coldstart"));
            assertEquals(4000L, killed.attr("lambdascope.function.timeout_ms"),
                    "the configured timeout is measured once, at the first invocation");
            assertEquals(4, collector.spans().size());
        }
    }
}
