package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A matrix of handler shapes and behaviours, run once with the built agent and once without: the results and
 * exceptions (full stack traces included) must be byte-identical, and every invocation's span must carry exactly
 * the key attributes, status and record events expected of it.
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

    /** What each span of the interface matrix must say; a request id missing here must have no span. */
    private static Map<String, Expected> interfaceExpectations() {
        Map<String, Expected> e = new LinkedHashMap<>();
        e.put("r-echo", Expected.direct("success").coldStart());
        e.put("r-null", Expected.direct("success"));
        e.put("r-unchecked", Expected.direct("error").errorType("java.lang.IllegalStateException"));
        e.put("r-error", Expected.direct("error").errorType("java.lang.AssertionError"));
        e.put("r-stream", Expected.direct("success"));
        e.put("r-stream-sqs", Expected.of("success", "pubsub", "sqs").messaging("aws_sqs", "streamed", 1)
                .records("stream-msg-1 sqs stream-msg-1 2"));
        e.put("r-stream-api-ok", Expected.of("success", "http", "apigateway").httpStatus(200));
        e.put("r-stream-api-fail", Expected.of("error", "http", "apigateway").httpStatus(503).errorType("503"));
        e.put("r-map", Expected.direct("success"));
        e.put("r-sqs", Expected.of("success", "pubsub", "sqs").messaging("aws_sqs", "orders", 2)
                .records("msg-1 sqs msg-1 1", "msg-2 sqs msg-2 2"));
        e.put("r-sqs-map", Expected.of("success", "pubsub", "sqs").messaging("aws_sqs", "payments", 1)
                .records("map-msg-1 sqs map-msg-1 3"));
        e.put("r-api-ok", Expected.of("success", "http", "apigateway").httpStatus(200));
        e.put("r-api-fail", Expected.of("error", "http", "apigateway").httpStatus(502).errorType("502"));
        e.put("r-threads", Expected.direct("success"));
        return e;
    }

    @Test
    void interfaceHandlersBehaveIdenticallyAndReportEveryInvocation() throws Exception {
        Map<String, String[]> matrix = interfaceMatrix();
        try (CaptureServer collector = CaptureServer.start()) {
            List<String> with = run(FunctionProcess.builder().endpoint(collector.endpoint()), matrix);
            List<String> without = run(FunctionProcess.builder().withoutAgent(), matrix);
            assertEquals(without, with, "results and exceptions with and without the agent");
            assertTrue(with.get(2).startsWith("threw:java.lang.IllegalStateException: cannot process x"), with.get(2));
            assertTrue(with.get(5).startsWith("returned:{\"RECORDS\":[{\"MESSAGEID\":\"STREAM-MSG-1\""), with.get(5));

            Map<String, Span> spans = byRequestId(collector);
            assertEquals(new ArrayList<>(interfaceExpectations().keySet()), new ArrayList<>(spans.keySet()),
                    "one span per handler invocation, in order, none for a non-handler");
            for (Map.Entry<String, Expected> e : interfaceExpectations().entrySet()) {
                e.getValue().check(e.getKey(), spans.get(e.getKey()));
            }

            Span unchecked = spans.get("r-unchecked");
            assertEquals("cannot process x with key ***", unchecked.getStatus().getMessage());
            Map<String, Object> exception = event(unchecked, "exception");
            assertEquals("java.lang.IllegalStateException", exception.get("exception.type"));
            assertEquals("cannot process x with key ***", exception.get("exception.message"));
            String stack = (String) exception.get("exception.stacktrace");
            assertTrue(stack.startsWith("java.lang.IllegalStateException: cannot process x with key ***\n\tat "
                    + "io.lambdascope.agent.testfn.Handlers$ThrowsUnchecked.handleRequest(Handlers.java:"), stack);
            assertFalse(stack.contains("AKIA"));

            Span error = spans.get("r-error");
            assertEquals("invariant broken: y", error.getStatus().getMessage());
            assertEquals("invariant broken: y", event(error, "exception").get("exception.message"));
            assertEquals("java.lang.AssertionError", event(error, "exception").get("exception.type"));

            assertEquals("HTTP 503", spans.get("r-stream-api-fail").getStatus().getMessage(),
                    "the status read back from what the stream handler wrote");
            assertEquals("HTTP 502", spans.get("r-api-fail").getStatus().getMessage());
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
            assertEquals("returned:not instrumented", with.get(2));

            Map<String, Span> spans = byRequestId(collector);
            assertEquals(List.of("p-ok", "p-fail"), new ArrayList<>(spans.keySet()),
                    "the nested overload call and other methods make no spans");
            Expected.direct("success").coldStart().check("p-ok", spans.get("p-ok"));
            Span fail = spans.get("p-fail");
            Expected.direct("error").errorType("java.io.IOException").check("p-fail", fail);
            assertEquals("upstream refused: password=*** token=***", fail.getStatus().getMessage());
            String stack = (String) event(fail, "exception").get("exception.stacktrace");
            assertTrue(stack.startsWith("java.io.IOException: upstream refused: password=*** token=***\n\tat "
                    + "io.lambdascope.agent.testfn.Handlers$Pojo.handle(Handlers.java:"), stack);
            assertFalse(stack.contains("hunter2"), stack);
        }
    }

    /**
     * The key attributes of one invocation's span, compared as a whole: an attribute not expected must be absent.
     * Record events are written {@code "dedupKey dedupSource messageId deliveryCount"}, {@code -} for absent.
     */
    private static final class Expected {
        private final Map<String, Object> attributes = new LinkedHashMap<>();
        private List<String> records;

        static Expected of(String outcome, String trigger, String source) {
            Expected e = new Expected();
            e.attributes.put("lambdascope.outcome", outcome);
            e.attributes.put("faas.trigger", trigger);
            e.attributes.put("lambdascope.event.source", source);
            e.attributes.put("faas.coldstart", false);
            // The driver passes a Context with 30 s left.
            e.attributes.put("lambdascope.function.timeout_ms", 30_000L);
            return e;
        }

        static Expected direct(String outcome) {
            return of(outcome, "other", "direct");
        }

        Expected coldStart() {
            attributes.put("faas.coldstart", true);
            return this;
        }

        Expected errorType(String type) {
            attributes.put("error.type", type);
            return this;
        }

        Expected httpStatus(long status) {
            attributes.put("http.response.status_code", status);
            return this;
        }

        Expected messaging(String system, String destination, long batch) {
            attributes.put("messaging.system", system);
            attributes.put("messaging.operation.type", "process");
            attributes.put("messaging.destination.name", destination);
            attributes.put("messaging.batch.message_count", batch);
            return this;
        }

        Expected records(String... expected) {
            records = Arrays.asList(expected);
            return this;
        }

        void check(String requestId, Span span) {
            Map<String, Object> all = attrs(span);
            assertEquals(requestId, all.get("faas.invocation_id"));
            assertEquals("arn:aws:lambda:eu-west-1:123456789012:function:orders-fn", all.get("aws.lambda.invoked_arn"),
                    requestId);
            Map<String, Object> key = new LinkedHashMap<>();
            for (String name : KEY_ATTRIBUTES) {
                if (all.containsKey(name)) {
                    key.put(name, all.get(name));
                }
            }
            assertEquals(attributes, key, "key attributes of " + requestId);
            Status.StatusCode status = "success".equals(attributes.get("lambdascope.outcome"))
                    ? Status.StatusCode.STATUS_CODE_UNSET : Status.StatusCode.STATUS_CODE_ERROR;
            assertEquals(status, span.getStatus().getCode(), "status of " + requestId);
            assertEquals(attributes.containsKey("error.type") && !attributes.containsKey("http.response.status_code"),
                    !Otlp.events(span, "exception").isEmpty(), "exception event of " + requestId);

            List<String> actual = new ArrayList<>();
            for (Span.Event event : Otlp.events(span, "lambdascope.record")) {
                Map<String, Object> r = Otlp.attributes(event.getAttributesList());
                actual.add(r.get("lambdascope.dedup.key") + " " + r.get("lambdascope.dedup.source") + " "
                        + or(r.get("messaging.message.id")) + " " + or(r.get("lambdascope.delivery.count")));
            }
            // Without records of its own, an invocation is keyed by its request id.
            List<String> expected = records != null ? records : List.of(requestId + " lambda - -");
            assertEquals(expected, actual, "record events of " + requestId);
        }

        private static String or(Object value) {
            return value == null ? "-" : value.toString();
        }
    }

    private static final List<String> KEY_ATTRIBUTES = List.of("lambdascope.outcome", "faas.trigger",
            "lambdascope.event.source", "faas.coldstart", "lambdascope.function.timeout_ms", "error.type",
            "http.response.status_code", "messaging.system", "messaging.operation.type", "messaging.destination.name",
            "messaging.batch.message_count", "lambdascope.records.dropped", "lambdascope.timeout.provisional");

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
