package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A matrix of handler shapes and behaviours, run once with the built agent and once without: the results and
 * exceptions (full stack traces included) must be byte-identical, and each invocation's span is checked field
 * by field.
 */
class HandlerMatrixIT {
    private static final String P = "io.lambdascope.agent.testfn.Handlers$";

    /** request id -> {handler, fixture}; run in this order in one JVM without _HANDLER (interface matching). */
    private static Map<String, String[]> interfaceMatrix() {
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("r-echo", new String[] {P + "Echo", "string:a"});
        m.put("r-null", new String[] {P + "ReturnsNull", "string:a"});
        m.put("r-unchecked", new String[] {P + "ThrowsUnchecked", "string:x"});
        m.put("r-error", new String[] {P + "ThrowsError", "string:y"});
        m.put("r-stream", new String[] {P + "Stream", "string:abc"});
        m.put("r-stream-sqs", new String[] {P + "Stream", "sqs-json"});
        m.put("r-stream-api-ok", new String[] {P + "StreamApi", "apigw-json:/ok"});
        m.put("r-stream-api-fail", new String[] {P + "StreamApi", "apigw-json:/fail"});
        m.put("r-map", new String[] {P + "MapInput", "map:bob"});
        m.put("r-sqs", new String[] {P + "Sqs", "sqs"});
        m.put("r-sqs-map", new String[] {P + "MapInput", "sqs-map"});
        m.put("r-api-ok", new String[] {P + "ApiGateway", "apigw:/ok"});
        m.put("r-api-fail", new String[] {P + "ApiGateway", "apigw:/fail"});
        m.put("r-threads", new String[] {P + "SpawnsThreads", "string:t"});
        m.put("r-not-a-handler", new String[] {P + "Pojo::handle", "map:carl"});
        return m;
    }

    @Test
    void interfaceHandlersBehaveIdenticallyAndReportEveryInvocation() throws Exception {
        Map<String, String[]> matrix = interfaceMatrix();
        try (CaptureServer collector = CaptureServer.start()) {
            List<String> with = run(FunctionProcess.builder().endpoint(collector.endpoint()), matrix);
            List<String> without = run(FunctionProcess.builder().withoutAgent(), matrix);
            assertEquals(without, with, "results and exceptions with and without the agent");
            assertTrue(with.get(2).startsWith("threw:java.lang.IllegalStateException: cannot process x"), with.get(2));

            Map<String, Span> spans = byRequestId(collector);
            assertEquals(matrix.size() - 1, spans.size(), "one span per handler invocation, none for a non-handler");
            assertFalse(spans.containsKey("r-not-a-handler"));

            Map<String, Object> echo = attrs(spans.get("r-echo"));
            assertEquals("success", echo.get("lambdascope.outcome"));
            assertEquals(true, echo.get("faas.coldstart"));

            Map<String, Object> nul = attrs(spans.get("r-null"));
            assertEquals("success", nul.get("lambdascope.outcome"));
            assertEquals(false, nul.get("faas.coldstart"));

            Span unchecked = spans.get("r-unchecked");
            assertEquals("error", attrs(unchecked).get("lambdascope.outcome"));
            assertEquals("java.lang.IllegalStateException", attrs(unchecked).get("error.type"));
            assertEquals(Status.StatusCode.STATUS_CODE_ERROR, unchecked.getStatus().getCode());
            assertEquals("cannot process x with key ***", unchecked.getStatus().getMessage());
            Map<String, Object> exception = event(unchecked, "exception");
            assertEquals("java.lang.IllegalStateException", exception.get("exception.type"));
            assertEquals("cannot process x with key ***", exception.get("exception.message"));
            String stack = (String) exception.get("exception.stacktrace");
            assertTrue(stack.startsWith("java.lang.IllegalStateException: cannot process x with key ***\n\tat "
                    + "io.lambdascope.agent.testfn.Handlers$ThrowsUnchecked.handleRequest(Handlers.java:"), stack);
            assertFalse(stack.contains("AKIA"));

            Span error = spans.get("r-error");
            assertEquals("error", attrs(error).get("lambdascope.outcome"));
            assertEquals("java.lang.AssertionError", attrs(error).get("error.type"));
            assertEquals("invariant broken: y", event(error, "exception").get("exception.message"));

            assertEquals("success", attrs(spans.get("r-stream")).get("lambdascope.outcome"));
            assertEquals("direct", attrs(spans.get("r-stream")).get("lambdascope.event.source"));
            Span streamSqs = spans.get("r-stream-sqs");
            assertEquals("sqs", attrs(streamSqs).get("lambdascope.event.source"), "a stream handler's event is seen");
            assertEquals("streamed", attrs(streamSqs).get("messaging.destination.name"));
            assertEquals("stream-msg-1", event(streamSqs, "lambdascope.record").get("lambdascope.dedup.key"));
            assertEquals(2L, event(streamSqs, "lambdascope.record").get("lambdascope.delivery.count"));
            assertTrue(with.get(5).startsWith("returned:{\"RECORDS\":[{\"MESSAGEID\":\"STREAM-MSG-1\""), with.get(5));
            Map<String, Object> streamOk = attrs(spans.get("r-stream-api-ok"));
            assertEquals("apigateway", streamOk.get("lambdascope.event.source"));
            assertEquals(200L, streamOk.get("http.response.status_code"));
            assertEquals("success", streamOk.get("lambdascope.outcome"));
            Map<String, Object> streamFail = attrs(spans.get("r-stream-api-fail"));
            assertEquals(503L, streamFail.get("http.response.status_code"), "read from what the handler wrote");
            assertEquals("error", streamFail.get("lambdascope.outcome"));
            assertEquals("503", streamFail.get("error.type"));
            assertEquals("success", attrs(spans.get("r-map")).get("lambdascope.outcome"));
            assertEquals("success", attrs(spans.get("r-threads")).get("lambdascope.outcome"));

            Span sqs = spans.get("r-sqs");
            Map<String, Object> sqsAttrs = attrs(sqs);
            assertEquals("pubsub", sqsAttrs.get("faas.trigger"));
            assertEquals("sqs", sqsAttrs.get("lambdascope.event.source"));
            assertEquals("aws_sqs", sqsAttrs.get("messaging.system"));
            assertEquals("process", sqsAttrs.get("messaging.operation.type"));
            assertEquals("orders", sqsAttrs.get("messaging.destination.name"));
            assertEquals(2L, sqsAttrs.get("messaging.batch.message_count"));
            List<Span.Event> records = Otlp.events(sqs, "lambdascope.record");
            assertEquals(2, records.size());
            for (int i = 0; i < 2; i++) {
                Map<String, Object> r = Otlp.attributes(records.get(i).getAttributesList());
                assertEquals("msg-" + (i + 1), r.get("lambdascope.dedup.key"));
                assertEquals("sqs", r.get("lambdascope.dedup.source"));
                assertEquals("msg-" + (i + 1), r.get("messaging.message.id"));
                assertEquals((long) (i + 1), r.get("lambdascope.delivery.count"));
            }

            Span sqsMap = spans.get("r-sqs-map");
            assertEquals("sqs", attrs(sqsMap).get("lambdascope.event.source"));
            assertEquals("payments", attrs(sqsMap).get("messaging.destination.name"));
            Map<String, Object> mapRecord = event(sqsMap, "lambdascope.record");
            assertEquals("map-msg-1", mapRecord.get("lambdascope.dedup.key"));
            assertEquals(3L, mapRecord.get("lambdascope.delivery.count"));

            Map<String, Object> apiOk = attrs(spans.get("r-api-ok"));
            assertEquals("http", apiOk.get("faas.trigger"));
            assertEquals("apigateway", apiOk.get("lambdascope.event.source"));
            assertEquals(200L, apiOk.get("http.response.status_code"));
            assertEquals("success", apiOk.get("lambdascope.outcome"));
            assertNull(apiOk.get("error.type"));
            Map<String, Object> apiFail = attrs(spans.get("r-api-fail"));
            assertEquals(502L, apiFail.get("http.response.status_code"));
            assertEquals("error", apiFail.get("lambdascope.outcome"));
            assertEquals("502", apiFail.get("error.type"));
            assertEquals(Status.StatusCode.STATUS_CODE_ERROR, spans.get("r-api-fail").getStatus().getCode());
        }
    }

    @Test
    void namedPojoHandlerWithCheckedExceptionAndNestedOverload() throws Exception {
        String handler = P + "Pojo::handle";
        Map<String, String[]> matrix = new LinkedHashMap<>();
        matrix.put("p-ok", new String[] {handler, "map:bob"});
        matrix.put("p-fail", new String[] {handler, "map:fail"});
        matrix.put("p-other", new String[] {P + "Pojo::other", "map:x"});
        try (CaptureServer collector = CaptureServer.start()) {
            List<String> with = run(FunctionProcess.builder().handler(handler).endpoint(collector.endpoint()), matrix);
            List<String> without = run(FunctionProcess.builder().handler(handler).withoutAgent(), matrix);
            assertEquals(without, with);
            assertEquals("returned:hello bob in orders-fn", with.get(0));

            Map<String, Span> spans = byRequestId(collector);
            assertEquals(2, spans.size(), "the nested overload call and other methods make no spans");
            assertEquals("success", attrs(spans.get("p-ok")).get("lambdascope.outcome"));
            Span fail = spans.get("p-fail");
            assertEquals("java.io.IOException", attrs(fail).get("error.type"));
            assertEquals("upstream refused: password=*** token=***", fail.getStatus().getMessage());
            String stack = (String) event(fail, "exception").get("exception.stacktrace");
            assertFalse(stack.contains("hunter2"), stack);
        }
    }

    private static List<String> run(FunctionProcess.Builder builder, Map<String, String[]> matrix) throws Exception {
        List<String> results = new ArrayList<>();
        try (FunctionProcess fn = builder.start()) {
            fn.awaitReady(Duration.ofSeconds(20));
            for (Map.Entry<String, String[]> e : matrix.entrySet()) {
                results.add(fn.invoke(e.getValue()[0], e.getKey(), 30_000, e.getValue()[1]));
            }
            assertFalse(fn.stderr().contains("lambdascope"), fn.stderr());
        }
        return results;
    }

    static Map<String, Span> byRequestId(CaptureServer collector) {
        Map<String, Span> out = new LinkedHashMap<>();
        for (CaptureServer.Captured c : collector.spans()) {
            String id = (String) c.attr("faas.invocation_id");
            if (out.put(id, c.span) != null) {
                throw new AssertionError("two spans for " + id);
            }
        }
        return out;
    }

    static Map<String, Object> attrs(Span span) {
        assertTrue(span != null, "span missing");
        return Otlp.attributes(span.getAttributesList());
    }

    static Map<String, Object> event(Span span, String name) {
        List<Span.Event> events = Otlp.events(span, name);
        assertEquals(1, events.size(), "events named " + name);
        return Otlp.attributes(events.get(0).getAttributesList());
    }
}
