package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The thin slice: {@code _HANDLER} names a RequestHandler, a driver calls it like Lambda, and one span per
 * invocation reaches the collector before the handler returns, with the resource and span fields of the contract.
 */
class NamedHandlerIT {
    private static final String ECHO = "io.lambdascope.agent.testfn.Handlers$Echo";
    /** Millisecond truncation on both sides and the agent's clock drift allowance (2 ms). */
    private static final long CLOCK_SLACK_MS = 10;
    /** /proc dates the process start in 10 ms steps, against an uptime in 10 ms steps. */
    private static final long PROC_SLACK_MS = 50;

    @Test
    void everyInvocationExportsOneSpanBeforeReturning() throws Exception {
        try (CaptureServer collector = CaptureServer.start();
             FunctionProcess fn = FunctionProcess.builder().handler(ECHO).endpoint(collector.endpoint())
                     .env("LAMBDASCOPE_TOKEN", "s3cret-token").start()) {
            fn.awaitReady(Duration.ofSeconds(20));
            long[] sentMillis = new long[3];
            long[] answeredMillis = new long[3];
            long[] callNanos = new long[3];
            for (int i = 1; i <= 3; i++) {
                sentMillis[i - 1] = System.currentTimeMillis();
                assertEquals("returned:echo:hi" + i, fn.invoke(ECHO, "req-" + i, 30_000, "string:hi" + i));
                answeredMillis[i - 1] = System.currentTimeMillis();
                callNanos[i - 1] = fn.lastDuration().toNanos();
                // exported synchronously: the span is there as soon as the handler has returned
                assertEquals(i, collector.spans().size(), "spans after invocation " + i + "\n" + fn.stderr());
            }
            List<CaptureServer.Captured> spans = collector.spans();
            for (int i = 0; i < 3; i++) {
                CaptureServer.Captured c = spans.get(i);
                Span s = c.span;
                Map<String, Object> attrs = Otlp.attributes(s.getAttributesList());
                assertEquals("io.lambdascope.agent", c.scope);
                assertEquals(FunctionProcess.FUNCTION_NAME, s.getName());
                assertEquals(Span.SpanKind.SPAN_KIND_SERVER, s.getKind());
                assertEquals(16, s.getTraceId().size());
                assertEquals(8, s.getSpanId().size());
                // Both processes read the same wall clock; the agent's is exact to a few ms.
                long startMillis = s.getStartTimeUnixNano() / 1_000_000L;
                long endMillis = s.getEndTimeUnixNano() / 1_000_000L;
                assertTrue(startMillis >= sentMillis[i] - CLOCK_SLACK_MS, "span starts after the call was sent");
                assertTrue(endMillis <= answeredMillis[i] + CLOCK_SLACK_MS, "span ends before the answer came");
                long spanNanos = s.getEndTimeUnixNano() - s.getStartTimeUnixNano();
                assertTrue(spanNanos > 0 && spanNanos <= callNanos[i],
                        "the span lies within the driver's call: " + spanNanos + " of " + callNanos[i] + " ns");
                assertEquals("req-" + (i + 1), attrs.get("faas.invocation_id"));
                assertEquals("other", attrs.get("faas.trigger"));
                assertEquals(i == 0, attrs.get("faas.coldstart"));
                assertEquals("arn:aws:lambda:eu-west-1:123456789012:function:orders-fn", attrs.get("cloud.resource_id"));
                assertEquals(attrs.get("cloud.resource_id"), attrs.get("aws.lambda.invoked_arn"));
                assertEquals("success", attrs.get("lambdascope.outcome"));
                assertEquals("direct", attrs.get("lambdascope.event.source"));
                assertEquals(30_000L, attrs.get("lambdascope.function.timeout_ms"));
                assertTrue((Long) attrs.get("lambdascope.memory.peak_rss_bytes") > 1_000_000L);
                long heap = (Long) attrs.get("lambdascope.memory.heap_used_bytes");
                assertTrue(heap > 0L && heap <= 96L << 20, "heap in use within -Xmx96m: " + heap);
                assertFalse(attrs.containsKey("error.type"));
                assertFalse(attrs.containsKey("lambdascope.agent.dropped_spans"));
                if (i == 0) {
                    long init = (Long) attrs.get("lambdascope.init.duration_ms");
                    // From the process's start (/proc, 10 ms steps) to the first handler entry.
                    long launchToAnswer = answeredMillis[0] - fn.launchedEpochMillis();
                    assertTrue(init > 0 && init <= launchToAnswer + PROC_SLACK_MS,
                            "init duration " + init + " ms, launch to first answer " + launchToAnswer + " ms");
                    assertEquals("on-demand", attrs.get("lambdascope.init.type"));
                } else {
                    assertFalse(attrs.containsKey("lambdascope.init.duration_ms"));
                    assertFalse(attrs.containsKey("lambdascope.init.type"));
                }
                assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET, s.getStatus().getCode());
                List<Span.Event> records = Otlp.events(s, "lambdascope.record");
                assertEquals(1, records.size());
                Map<String, Object> record = Otlp.attributes(records.get(0).getAttributesList());
                assertEquals("req-" + (i + 1), record.get("lambdascope.dedup.key"));
                assertEquals("lambda", record.get("lambdascope.dedup.source"));

                Map<String, Object> resource = Otlp.attributes(c.resource.getAttributesList());
                assertEquals(FunctionProcess.FUNCTION_NAME, resource.get("service.name"));
                assertEquals(FunctionProcess.FUNCTION_NAME, resource.get("faas.name"));
                assertEquals("7", resource.get("faas.version"));
                assertEquals("2026/11/29/[7]abcdef0123456789", resource.get("faas.instance"));
                assertEquals(512L * 1024 * 1024, resource.get("faas.max_memory"));
                assertEquals("aws", resource.get("cloud.provider"));
                assertEquals("aws_lambda", resource.get("cloud.platform"));
                assertEquals("eu-west-1", resource.get("cloud.region"));
                assertEquals("lambdascope", resource.get("telemetry.sdk.name"));
                assertEquals("java", resource.get("telemetry.sdk.language"));
                assertTrue(((String) resource.get("telemetry.sdk.version")).startsWith("0."));
            }
            assertNotEquals(spans.get(0).span.getSpanId(), spans.get(1).span.getSpanId());
            assertNotEquals(spans.get(0).span.getTraceId(), spans.get(1).span.getTraceId());
            assertEquals(List.of("Content-Type=application/x-protobuf Authorization=Bearer s3cret-token",
                    "Content-Type=application/x-protobuf Authorization=Bearer s3cret-token",
                    "Content-Type=application/x-protobuf Authorization=Bearer s3cret-token"), collector.headers(),
                    "one request per invocation");
            assertEquals("", fn.stderr(), "the agent printed nothing");
        }
    }
}
