package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as an internal extension under the official runtime interface client, against a double of Lambda's
 * APIs: it registers during init, the caller gets its response without waiting for telemetry, spans and platform
 * events go out in the post-runtime phase, and SIGTERM at spin-down sends what is left.
 */
class ExtensionIT {
    private static final String TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
    /** For a loaded test machine; the budgets themselves are what the assertions are about. */
    private static final long SLACK_MILLIS = 1_500;

    @Test
    void spansAndPlatformEventsLeaveAfterTheResponse(@TempDir Path taskRoot) throws Exception {
        try (CaptureServer collector = CaptureServer.start();
             LambdaApiDouble api = new LambdaApiDouble();
             FunctionProcess fn = RuntimeClientFunction.builder(taskRoot, RuntimeClientFunction.SQS, api.address())
                     .endpoint(collector.endpoint()).start()) {
            for (int i = 1; i <= 3; i++) {
                api.enqueue("ext-" + i, TRACE, RuntimeClientFunction.sqsEvent("m-" + i, "1"));
            }
            for (int i = 1; i <= 3; i++) {
                assertEquals("\"m-" + i + ";\"", api.awaitResponse("ext-" + i, 30));
                LambdaApiDouble.Invocation inv = api.awaitEnded("ext-" + i, 30);
                assertTrue(inv.extensionNextNanos.containsKey("lambdascope"), inv.toString());
            }
            assertEquals(List.of(), api.registrationRefusals(), "registered before init ended");
            LambdaApiDouble.Extension ext = api.extensions().get(0);
            assertEquals("lambdascope", ext.name);
            assertEquals("{\"events\":[\"INVOKE\"]}", ext.events);
            assertEquals(1, api.subscriptions().size());

            // Sent before each next: every span is in when its invocation has ended.
            List<CaptureServer.Captured> spans = collector.spans();
            assertEquals(List.of("ext-1", "ext-2", "ext-3"), ids(spans));
            assertEquals(LambdaApiDouble.ACCOUNT, spans.get(0).resourceAttr("cloud.account.id"),
                    "from the register answer");
            assertEquals("eu-west-1", spans.get(0).resourceAttr("cloud.region"));
            assertEquals("5759e988bd862e3fe1be46a994272793", Otlp.hex(spans.get(0).span.getTraceId()));

            fn.process().destroy(); // SIGTERM, as Lambda does at spin-down with an internal extension registered
            api.shutdown(); // the last report comes after the signal: the shutdown hook waits for it
            assertTrue(fn.process().waitFor(10, TimeUnit.SECONDS));
            for (int i = 1; i <= 3; i++) {
                collector.awaitPlatformEvent("platform.report", "ext-" + i, Duration.ofSeconds(1));
                collector.awaitPlatformEvent("platform.runtimeDone", "ext-" + i, Duration.ofSeconds(1));
                collector.awaitPlatformEvent("platform.start", "ext-" + i, Duration.ofSeconds(1));
            }
            List<String> types = types(collector);
            assertEquals(1, Collections.frequency(types, "platform.initStart"));
            assertEquals(1, Collections.frequency(types, "platform.initReport"));
            assertEquals(3, Collections.frequency(types, "platform.report"), "each event exactly once: " + types);
            for (CaptureServer.PlatformBatch b : collector.platformBatches()) {
                assertEquals(FunctionProcess.FUNCTION_NAME, b.headers.getFirst("X-Lambdascope-Function"));
                assertEquals("7", b.headers.getFirst("X-Lambdascope-Function-Version"));
                assertEquals(LambdaApiDouble.ACCOUNT, b.headers.getFirst("X-Lambdascope-Account"));
                assertEquals("eu-west-1", b.headers.getFirst("X-Lambdascope-Region"));
                assertEquals("2026/11/29/[7]abcdef0123456789", b.headers.getFirst("X-Lambdascope-Instance"));
            }
            assertFalse(fn.stderr().contains("lambdascope:"), fn.stderr());
        }
    }

    @Test
    void theCallerNeverWaitsForASilentCollector(@TempDir Path taskRoot) throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             LambdaApiDouble api = new LambdaApiDouble();
             FunctionProcess fn = RuntimeClientFunction.builder(taskRoot, RuntimeClientFunction.SQS, api.address())
                     .endpoint("http://127.0.0.1:" + silent.getLocalPort())
                     .env("LAMBDASCOPE_FLUSH_TIMEOUT", "2s").start()) {
            for (int i = 1; i <= 4; i++) {
                api.enqueue("silent-" + i, TRACE, RuntimeClientFunction.sqsEvent("m-" + i, "1"));
            }
            List<Long> postRuntime = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                LambdaApiDouble.Invocation inv = api.awaitEnded("silent-" + i, 60);
                long responseMillis = (inv.responseNanos - inv.startedNanos) / 1_000_000L;
                // The handler's exit hook only hands the invocation over: the response does not wait for 2 s.
                assertTrue(responseMillis < (i == 1 ? 1_500 : 500), "response after " + responseMillis + " ms");
                postRuntime.add(inv.postRuntimeMillis());
            }
            for (int i = 0; i < 3; i++) {
                long ms = postRuntime.get(i);
                assertTrue(ms >= 1_500 && ms <= 2_000 + SLACK_MILLIS, "post-runtime " + postRuntime);
            }
            assertTrue(postRuntime.get(3) < 1_000, "breaker open after three failures: " + postRuntime);
            fn.kill();
        }
    }

    @Test
    void batchesGoOutTogetherAndSigtermSendsTheRest(@TempDir Path taskRoot) throws Exception {
        try (CaptureServer collector = CaptureServer.start();
             LambdaApiDouble api = new LambdaApiDouble();
             FunctionProcess fn = RuntimeClientFunction.builder(taskRoot, RuntimeClientFunction.SQS, api.address())
                     .endpoint(collector.endpoint())
                     .env("LAMBDASCOPE_EXPORT", "batch").env("LAMBDASCOPE_BATCH_MAX_AGE", "5m").start()) {
            for (int i = 1; i <= 5; i++) {
                api.enqueue("batch-" + i, TRACE, RuntimeClientFunction.sqsEvent("m-" + i, "1"));
            }
            for (int i = 1; i <= 5; i++) {
                api.awaitEnded("batch-" + i, 30);
            }
            assertEquals(0, collector.headers().size(), "not due: 5 of 64 spans, none older than 5 minutes");
            api.shutdown();
            fn.process().destroy();
            assertTrue(fn.process().waitFor(10, TimeUnit.SECONDS));
            assertEquals(1, collector.headers().size(), "one request for the whole batch");
            assertEquals(List.of("batch-1", "batch-2", "batch-3", "batch-4", "batch-5"), ids(collector.spans()));
            assertEquals(1, collector.platformBatches().size());
            assertEquals(5, Collections.frequency(types(collector), "platform.report"), types(collector).toString());
        }
    }

    @Test
    void nothingIsLostAcrossAFreeze(@TempDir Path taskRoot) throws Exception {
        try (CaptureServer collector = CaptureServer.start();
             LambdaApiDouble api = new LambdaApiDouble();
             FunctionProcess fn = RuntimeClientFunction.builder(taskRoot, RuntimeClientFunction.SQS, api.address())
                     .endpoint(collector.endpoint())
                     .env("LAMBDASCOPE_EXPORT", "batch").env("LAMBDASCOPE_BATCH_MAX_AGE", "2s").start()) {
            api.enqueue("thaw-1", TRACE, RuntimeClientFunction.sqsEvent("m-1", "1"));
            api.enqueue("thaw-2", TRACE, RuntimeClientFunction.sqsEvent("m-2", "1"));
            api.awaitEnded("thaw-1", 30);
            api.awaitEnded("thaw-2", 30);
            assertEquals(0, collector.spans().size(), "a batch younger than 2 s waits");

            // Frozen as Lambda freezes an environment between invocations: no thread of the JVM runs.
            signal("STOP", fn.process().pid());
            Thread.sleep(3_500);
            signal("CONT", fn.process().pid());
            api.enqueue("thaw-3", TRACE, RuntimeClientFunction.sqsEvent("m-3", "1"));
            api.awaitEnded("thaw-3", 30);
            assertEquals(List.of("thaw-1", "thaw-2", "thaw-3"), ids(collector.spans()),
                    "older than 2 s by the wall clock at the thaw: due at the end of the next invocation");
            assertEquals(1, collector.headers().size());

            api.shutdown();
            fn.process().destroy();
            assertTrue(fn.process().waitFor(10, TimeUnit.SECONDS));
            List<String> types = types(collector);
            for (String type : List.of("platform.start", "platform.runtimeDone", "platform.report")) {
                assertEquals(3, Collections.frequency(types, type), type + " in " + types);
            }
            assertEquals(3, collector.spans().size(), "nothing twice");
        }
    }

    @Test
    void theWatchdogSendsEverythingBufferedBeforeTheDeadlineAndTheCorrectionFollows(@TempDir Path taskRoot)
            throws Exception {
        try (CaptureServer collector = CaptureServer.start();
             LambdaApiDouble api = new LambdaApiDouble();
             FunctionProcess fn = RuntimeClientFunction.builder(taskRoot, RuntimeClientFunction.SLOW, api.address())
                     .endpoint(collector.endpoint()).env("LAMBDASCOPE_TIMEOUT_MARGIN", "1s")
                     .env("LAMBDASCOPE_EXPORT", "batch").env("LAMBDASCOPE_BATCH_MAX_AGE", "5m").start()) {
            api.enqueue("fast-1", TRACE, "\"10\"");
            api.awaitEnded("fast-1", 30);
            assertEquals(0, collector.spans().size(), "batched");
            // 4 s timeout: the watchdog fires at about 3 s, the handler returns at 3.6 s.
            api.enqueue("slow-1", TRACE, "\"3600\"", 4_000, null);
            CaptureServer.Captured provisional = collector.await(c -> "slow-1".equals(c.attr("faas.invocation_id")),
                    Duration.ofSeconds(20));
            assertEquals(true, provisional.attr("lambdascope.timeout.provisional"));
            assertEquals(0, api.invocation("slow-1").responseNanos,
                    "the provisional record went out while the handler still ran");
            assertEquals(List.of("fast-1", "slow-1"), ids(collector.spans()), "with everything buffered");
            collector.awaitPlatformEvent("platform.runtimeDone", "fast-1", Duration.ofSeconds(1));

            assertEquals("\"slept 3600\"", api.awaitResponse("slow-1", 20));
            api.awaitEnded("slow-1", 20);
            fn.process().destroy();
            assertTrue(fn.process().waitFor(10, TimeUnit.SECONDS));
            List<CaptureServer.Captured> spans = collector.spans();
            assertEquals(3, spans.size(), "the correction, batched, went out at SIGTERM");
            assertEquals(provisional.span.getSpanId(), spans.get(2).span.getSpanId());
            assertEquals("success", spans.get(2).attr("lambdascope.outcome"));
            assertNull(spans.get(2).attr("lambdascope.timeout.provisional"));
        }
    }

    @Test
    void aRefusedRegistrationLeavesDirectMode(@TempDir Path taskRoot) throws Exception {
        try (CaptureServer collector = CaptureServer.start();
             LambdaApiDouble api = refusingRegistrations();
             FunctionProcess fn = RuntimeClientFunction.builder(taskRoot, RuntimeClientFunction.SQS, api.address())
                     .endpoint(collector.endpoint()).start()) {
            api.enqueue("direct-1", TRACE, RuntimeClientFunction.sqsEvent("m-1", "1"));
            assertEquals("\"m-1;\"", api.awaitResponse("direct-1", 30));
            collector.await(c -> "direct-1".equals(c.attr("faas.invocation_id")), Duration.ofSeconds(10));
            assertEquals(List.of(), api.extensions());
            String[] lines = fn.stderr().trim().split("\n");
            assertEquals(1, lines.length, fn.stderr());
            assertTrue(lines[0].startsWith("lambdascope: not registered as a Lambda extension ("), lines[0]);
            assertTrue(lines[0].endsWith("); spans are sent before the handler returns"), lines[0]);
            fn.kill();
        }
    }

    @Test
    void aHandlerTheAgentNeverSawIsReported() throws Exception {
        try (CaptureServer collector = CaptureServer.start();
             LambdaApiDouble api = new LambdaApiDouble();
             FunctionProcess fn = FunctionProcess.builder()
                     .main("io.lambdascope.agent.testfn.CustomRuntime")
                     .handler("function.handler")
                     .env("AWS_LAMBDA_RUNTIME_API", api.address())
                     .endpoint(collector.endpoint()).start()) {
            api.enqueue("custom-1", TRACE, "{\"a\":1}");
            api.enqueue("custom-2", TRACE, "{\"a\":2}");
            assertEquals("\"custom 7\"", api.awaitResponse("custom-1", 30));
            api.awaitEnded("custom-2", 30);
            JsonNode event = collector.awaitPlatformEvent("lambdascope.uninstrumented", null, Duration.ofSeconds(10));
            assertEquals("function.handler", event.get("record").get("handler").asText());
            assertTrue(event.get("record").get("reason").asText().contains("never loaded"), event.toString());
            assertEquals(1, Collections.frequency(types(collector), "lambdascope.uninstrumented"), "once");
            collector.awaitPlatformEvent("platform.runtimeDone", "custom-2", Duration.ofSeconds(10));
            assertEquals(0, collector.spans().size());
            String[] lines = fn.stderr().trim().split("\n");
            assertEquals(1, lines.length, fn.stderr());
            assertTrue(lines[0].startsWith("lambdascope: handler function.handler was not instrumented: "), lines[0]);
            fn.kill();
        }
    }

    private static LambdaApiDouble refusingRegistrations() throws Exception {
        LambdaApiDouble api = new LambdaApiDouble();
        api.refuseRegistrations(true);
        return api;
    }

    static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal);
    }

    static List<String> ids(List<CaptureServer.Captured> spans) {
        List<String> ids = new ArrayList<>();
        for (CaptureServer.Captured c : spans) {
            ids.add((String) c.attr("faas.invocation_id"));
        }
        return ids;
    }

    static List<String> types(CaptureServer collector) throws Exception {
        List<String> types = new ArrayList<>();
        for (JsonNode e : collector.platformEvents()) {
            types.add(e.get("type").asText());
        }
        return types;
    }
}
