package io.lambdascope.agent.internal.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.agent.internal.invocation.Invocation;
import io.lambdascope.agent.internal.lambda.LambdaEnvironment;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-written encoder checked against the official opentelemetry-proto classes. */
class SpanEncoderTest {

    private static ExportTraceServiceRequest encode(Invocation inv, boolean provisional, long dropped)
            throws Exception {
        return encode(inv, provisional, dropped, 0, null);
    }

    private static ExportTraceServiceRequest encode(Invocation inv, boolean provisional, long dropped,
                                                    long droppedEvents, String account) throws Exception {
        ProtoWriter w = new ProtoWriter(16);
        int rs = w.beginMessage(1);
        w.bytes(1, SpanEncoder.resource(LambdaEnvironment.read(Map.of("AWS_LAMBDA_FUNCTION_NAME", "fn",
                "AWS_LAMBDA_FUNCTION_VERSION", "3", "AWS_LAMBDA_LOG_STREAM_NAME", "stream-1",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256", "AWS_REGION", "eu-west-1"), null, null), account, "0.1.0"));
        int ss = w.beginMessage(2);
        w.bytes(1, SpanEncoder.scope("0.1.0"));
        int span = w.beginMessage(2);
        SpanEncoder.span(w, inv, "fn", provisional, dropped, droppedEvents);
        w.endMessage(span);
        w.endMessage(ss);
        w.endMessage(rs);
        return ExportTraceServiceRequest.parseFrom(w.toByteArray());
    }

    private static Invocation invocation() {
        Invocation inv = new Invocation(Thread.currentThread(), null, 1_700_000_000_123_456_789L, 0);
        inv.traceIdHigh = 0x0102030405060708L;
        inv.traceIdLow = 0x090a0b0c0d0e0f10L;
        inv.spanId = 0x1112131415161718L;
        inv.parentSpanId = 0x2122232425262728L;
        inv.endEpochNanos = inv.startEpochNanos + 5_000_000L;
        inv.requestId = "req-1";
        inv.invokedArn = "arn:aws:lambda:eu-west-1:1:function:fn";
        inv.outcome = "success";
        inv.coldStart = true;
        inv.initDurationMs = 420;
        inv.initType = "on-demand";
        inv.functionTimeoutMs = 3000;
        inv.peakRssBytes = 90L << 20;
        inv.heapUsedBytes = 12L << 20;
        return inv;
    }

    static Map<String, Object> attrs(List<KeyValue> kvs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            AnyValue v = kv.getValue();
            Object value = v.hasStringValue() ? v.getStringValue() : v.hasBoolValue() ? (Object) v.getBoolValue()
                    : v.hasIntValue() ? (Object) v.getIntValue() : v.toString();
            assertFalse(out.containsKey(kv.getKey()), "duplicate " + kv.getKey());
            out.put(kv.getKey(), value);
        }
        return out;
    }

    @Test
    void successSpanDecodesFieldByField() throws Exception {
        ExportTraceServiceRequest req = encode(invocation(), false, 0);
        assertEquals(1, req.getResourceSpansCount());
        ResourceSpans rs = req.getResourceSpans(0);
        Map<String, Object> resource = attrs(rs.getResource().getAttributesList());
        assertEquals("fn", resource.get("service.name"));
        assertEquals("fn", resource.get("faas.name"));
        assertEquals("3", resource.get("faas.version"));
        assertEquals("stream-1", resource.get("faas.instance"));
        assertEquals(256L << 20, resource.get("faas.max_memory"));
        assertEquals("aws", resource.get("cloud.provider"));
        assertEquals("aws_lambda", resource.get("cloud.platform"));
        assertEquals("eu-west-1", resource.get("cloud.region"));
        assertEquals(SpanEncoder.hostArch(System.getProperty("os.arch")), resource.get("host.arch"));
        assertEquals("amd64", SpanEncoder.hostArch("amd64"));
        assertEquals("amd64", SpanEncoder.hostArch("x86_64"));
        assertEquals("arm64", SpanEncoder.hostArch("aarch64"));
        assertEquals(null, SpanEncoder.hostArch("ppc64le"));
        assertEquals("lambdascope", resource.get("telemetry.sdk.name"));
        assertEquals("java", resource.get("telemetry.sdk.language"));
        assertEquals("0.1.0", resource.get("telemetry.sdk.version"));
        assertFalse(resource.containsKey("cloud.account.id"), "unknown account: no attribute");
        ScopeSpans ss = rs.getScopeSpans(0);
        assertEquals("io.lambdascope.agent", ss.getScope().getName());
        assertEquals("0.1.0", ss.getScope().getVersion());
        Span s = ss.getSpans(0);
        assertEquals("0102030405060708090a0b0c0d0e0f10", hex(s.getTraceId().toByteArray()));
        assertEquals("1112131415161718", hex(s.getSpanId().toByteArray()));
        assertEquals("2122232425262728", hex(s.getParentSpanId().toByteArray()));
        assertEquals("fn", s.getName());
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, s.getKind());
        assertEquals(1_700_000_000_123_456_789L, s.getStartTimeUnixNano());
        assertEquals(1_700_000_000_128_456_789L, s.getEndTimeUnixNano());
        Map<String, Object> a = attrs(s.getAttributesList());
        assertEquals("req-1", a.get("faas.invocation_id"));
        assertEquals("other", a.get("faas.trigger"));
        assertEquals(true, a.get("faas.coldstart"));
        assertEquals("arn:aws:lambda:eu-west-1:1:function:fn", a.get("cloud.resource_id"));
        assertEquals("arn:aws:lambda:eu-west-1:1:function:fn", a.get("aws.lambda.invoked_arn"));
        assertEquals("success", a.get("lambdascope.outcome"));
        assertEquals("direct", a.get("lambdascope.event.source"));
        assertEquals(3000L, a.get("lambdascope.function.timeout_ms"));
        assertEquals(420L, a.get("lambdascope.init.duration_ms"));
        assertEquals("on-demand", a.get("lambdascope.init.type"));
        assertEquals(90L << 20, a.get("lambdascope.memory.peak_rss_bytes"));
        assertEquals(12L << 20, a.get("lambdascope.memory.heap_used_bytes"));
        assertFalse(a.containsKey("lambdascope.agent.dropped_spans"));
        assertFalse(a.containsKey("lambdascope.agent.dropped_events"));
        assertEquals(Status.StatusCode.STATUS_CODE_UNSET, s.getStatus().getCode());
        assertEquals(1, s.getEventsCount());
        Span.Event record = s.getEvents(0);
        assertEquals("lambdascope.record", record.getName());
        assertEquals(s.getStartTimeUnixNano(), record.getTimeUnixNano());
        assertEquals(Map.of("lambdascope.dedup.key", "req-1", "lambdascope.dedup.source", "lambda"),
                attrs(record.getAttributesList()));
    }

    @Test
    void errorSpanCarriesScrubbedBoundedExceptionAndThrottles() throws Exception {
        Invocation inv = invocation();
        inv.coldStart = false;
        inv.outcome = "error";
        StringBuilder longMessage = new StringBuilder("password=hunter2 ");
        for (int i = 0; i < 2000; i++) {
            longMessage.append("é");
        }
        inv.thrown = new IllegalArgumentException(longMessage.toString(), new RuntimeException("cause"));
        inv.errorType = IllegalArgumentException.class.getName();
        inv.addThrottle(new Invocation.ThrottleInfo(inv.startEpochNanos + 1, "DynamoDb", "PutItem",
                "ProvisionedThroughputExceededException"));
        inv.addRecord("m1", "sqs", "m1", 2);
        ResourceSpans rs = encode(inv, false, 7, 3, "210987654321").getResourceSpans(0);
        assertEquals("210987654321", attrs(rs.getResource().getAttributesList()).get("cloud.account.id"));
        Span s = rs.getScopeSpans(0).getSpans(0);
        Map<String, Object> a = attrs(s.getAttributesList());
        assertFalse(a.containsKey("lambdascope.init.duration_ms"));
        assertEquals(7L, a.get("lambdascope.agent.dropped_spans"));
        assertEquals(3L, a.get("lambdascope.agent.dropped_events"));
        assertEquals("java.lang.IllegalArgumentException", a.get("error.type"));
        assertEquals(Status.StatusCode.STATUS_CODE_ERROR, s.getStatus().getCode());
        assertTrue(s.getStatus().getMessage().startsWith("password=*** éé"));
        assertTrue(s.getStatus().getMessage().getBytes(StandardCharsets.UTF_8).length <= 1024);

        Span.Event exception = s.getEvents(0);
        assertEquals("exception", exception.getName());
        Map<String, Object> e = attrs(exception.getAttributesList());
        assertEquals("java.lang.IllegalArgumentException", e.get("exception.type"));
        String message = (String) e.get("exception.message");
        assertTrue(message.getBytes(StandardCharsets.UTF_8).length <= 1024);
        assertTrue(message.getBytes(StandardCharsets.UTF_8).length >= 1022, "cut on a character boundary");
        String stack = (String) e.get("exception.stacktrace");
        assertTrue(stack.getBytes(StandardCharsets.UTF_8).length <= 8192);
        assertFalse(stack.contains("hunter2"));
        assertTrue(stack.contains("SpanEncoderTest.errorSpanCarriesScrubbedBoundedExceptionAndThrottles"));

        Span.Event record = s.getEvents(1);
        assertEquals("lambdascope.record", record.getName());
        assertEquals(Map.of("lambdascope.dedup.key", "m1", "lambdascope.dedup.source", "sqs",
                "messaging.message.id", "m1", "lambdascope.delivery.count", 2L), attrs(record.getAttributesList()));

        Span.Event throttle = s.getEvents(2);
        assertEquals("lambdascope.downstream_throttle", throttle.getName());
        assertEquals(inv.startEpochNanos + 1, throttle.getTimeUnixNano());
        assertEquals(Map.of("rpc.system", "aws-api", "rpc.service", "DynamoDb", "rpc.method", "PutItem",
                "error.type", "ProvisionedThroughputExceededException"), attrs(throttle.getAttributesList()));
    }

    @Test
    void provisionalTimeoutRecord() throws Exception {
        Invocation inv = invocation();
        inv.timeoutEpochNanos = inv.startEpochNanos + 2_800_000_000L;
        inv.timeoutRemainingMs = 200;
        StringBuilder stack = new StringBuilder();
        while (stack.length() < 40_000) {
            stack.append("\tat some.Frame.method(Frame.java:1)\n");
        }
        inv.timeoutStack = stack.toString();
        Span s = encode(inv, true, 0).getResourceSpans(0).getScopeSpans(0).getSpans(0);
        assertEquals(inv.timeoutEpochNanos, s.getEndTimeUnixNano());
        Map<String, Object> a = attrs(s.getAttributesList());
        assertEquals("timeout", a.get("lambdascope.outcome"));
        assertEquals(true, a.get("lambdascope.timeout.provisional"));
        assertEquals(Status.StatusCode.STATUS_CODE_ERROR, s.getStatus().getCode());
        Span.Event timeout = s.getEvents(0);
        assertEquals("lambdascope.timeout", timeout.getName());
        Map<String, Object> t = attrs(timeout.getAttributesList());
        assertEquals(200L, t.get("lambdascope.timeout.remaining_ms"));
        assertEquals(16 * 1024, ((String) t.get("lambdascope.timeout.stacktrace")).length());
    }

    @Test
    void writerHandlesLengthsNeedingMultiByteVarints() throws Exception {
        for (int size : new int[] {0, 1, 127, 128, 16_383, 16_384, 2_097_152}) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < size; i++) {
                sb.append((char) ('a' + i % 26));
            }
            ProtoWriter w = new ProtoWriter(1);
            int kv = w.beginMessage(1);
            w.string(1, "key");
            int any = w.beginMessage(2);
            w.string(1, sb.toString());
            w.endMessage(any);
            w.endMessage(kv);
            w.varint(2, -1);
            io.opentelemetry.proto.common.v1.KeyValueList list =
                    io.opentelemetry.proto.common.v1.KeyValueList.parseFrom(w.toByteArray());
            assertEquals(sb.toString(), list.getValues(0).getValue().getStringValue());
        }
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b));
        }
        return sb.toString();
    }
}
