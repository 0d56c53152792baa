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

    @Test
    void everyInvocationExportsOneSpanBeforeReturning() throws Exception {
        try (CaptureServer collector = CaptureServer.start();
             FunctionProcess fn = FunctionProcess.builder().handler(ECHO).endpoint(collector.endpoint())
                     .env("LAMBDASCOPE_TOKEN", "s3cret-token").start()) {
            fn.awaitReady(Duration.ofSeconds(20));
            for (int i = 1; i <= 3; i++) {
                assertEquals("returned:echo:hi" + i, fn.invoke(ECHO, "req-" + i, 30_000, "string:hi" + i));
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
                assertTrue(s.getEndTimeUnixNano() >= s.getStartTimeUnixNano());
                long now = System.currentTimeMillis() * 1_000_000L;
                assertTrue(Math.abs(now - s.getStartTimeUnixNano()) < 120_000_000_000L, "start near now");
                assertEquals("req-" + (i + 1), attrs.get("faas.invocation_id"));
                assertEquals("other", attrs.get("faas.trigger"));
                assertEquals(i == 0, attrs.get("faas.coldstart"));
                assertEquals("arn:aws:lambda:eu-west-1:123456789012:function:orders-fn", attrs.get("cloud.resource_id"));
                assertEquals(attrs.get("cloud.resource_id"), attrs.get("aws.lambda.invoked_arn"));
                assertEquals("success", attrs.get("lambdascope.outcome"));
                assertEquals("direct", attrs.get("lambdascope.event.source"));
                assertEquals(30_000L, attrs.get("lambdascope.function.timeout_ms"));
                assertTrue((Long) attrs.get("lambdascope.memory.peak_rss_bytes") > 1_000_000L);
                assertTrue((Long) attrs.get("lambdascope.memory.heap_used_bytes") > 0L);
                assertFalse(attrs.containsKey("error.type"));
                assertFalse(attrs.containsKey("lambdascope.agent.dropped_spans"));
                if (i == 0) {
                    long init = (Long) attrs.get("lambdascope.init.duration_ms");
                    assertTrue(init >= 0 && init < 60_000, "init duration " + init);
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
            for (String h : collector.headers()) {
                assertEquals("Content-Type=application/x-protobuf Authorization=Bearer s3cret-token", h);
            }
            assertEquals("", fn.stderr(), "the agent printed nothing");
        }
    }
}
