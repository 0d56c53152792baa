package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The collector refusing, failing or silent: the function's result is unchanged, its added latency stays within
 * the flush budget (plus generous slack for a loaded machine: this is no timing benchmark), spans wait in the
 * bounded buffer and go out with the next export, and what was dropped is reported on the next span.
 */
class CollectorFailureIT {
    private static final String ECHO = "io.lambdascope.agent.testfn.Handlers$Echo";
    private static final Duration BUDGET_WITH_SLACK = Duration.ofMillis(300 + 1500);

    @Test
    void refusedSpansAreBufferedThenDeliveredWithTheDropCount() throws Exception {
        int port = freePort();
        try (FunctionProcess fn = FunctionProcess.builder().handler(ECHO)
                .endpoint("http://127.0.0.1:" + port)
                // A refused connection fails at once whatever the budget; a large budget keeps the recovery
                // phase free of timeouts on a loaded machine (a timed-out export is retried: a duplicate).
                .env("LAMBDASCOPE_FLUSH_TIMEOUT", "3s")
                .env("LAMBDASCOPE_MAX_BUFFERED_SPANS", "2").start()) {
            fn.awaitReady(Duration.ofSeconds(20));
            for (int i = 1; i <= 5; i++) {
                assertEquals("returned:echo:" + i, fn.invoke(ECHO, "down-" + i, 30_000, "string:" + i));
                assertTrue(fn.lastDuration().compareTo(Duration.ofMillis(1500)) < 0, "latency " + fn.lastDuration());
            }
            try (CaptureServer collector = CaptureServer.start(port)) {
                collector.respondWith(503);
                assertEquals("returned:echo:6", fn.invoke(ECHO, "down-6", 30_000, "string:6"));
                assertEquals(1, collector.headers().size(), "one request, refused with 503");
                collector.respondWith(200);
                assertEquals("returned:echo:7", fn.invoke(ECHO, "down-7", 30_000, "string:7"));

                List<ExportTraceServiceRequest> requests = collector.requests();
                assertEquals(2, collector.headers().size(), "one request per invocation while it answers");
                assertEquals(1, requests.size(), "everything pending went out in one request");
                List<String> ids = new ArrayList<>();
                List<Object> drops = new ArrayList<>();
                for (CaptureServer.Captured c : collector.spans()) {
                    ids.add((String) c.attr("faas.invocation_id"));
                    drops.add(c.attr("lambdascope.agent.dropped_spans"));
                }
                // A buffer of 2: down-1..4 were evicted, the last two pending spans and down-7 arrived.
                assertEquals(List.of("down-5", "down-6", "down-7"), ids);
                long reported = 0;
                for (Object d : drops) {
                    reported += d == null ? 0 : (Long) d;
                }
                assertEquals(4, reported, "every lost span is counted exactly once: " + drops);

                assertEquals("returned:echo:8", fn.invoke(ECHO, "down-8", 30_000, "string:8"));
                assertEquals(2, collector.requests().size(), CaptureServer.describe(collector.spans()));
                CaptureServer.Captured last = collector.spans().get(3);
                assertEquals("down-8", last.attr("faas.invocation_id"));
                assertNull(last.attr("lambdascope.agent.dropped_spans"), "reported once, then reset");
            }
            assertTrue(fn.stderr().contains("lambdascope: export failed"), fn.stderr());
        }
    }

    @Test
    void silentCollectorCostsAtMostTheFlushBudget() throws Exception {
        // Accepts connections (the kernel's backlog does) but never reads or answers.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             FunctionProcess fn = FunctionProcess.builder().handler(ECHO)
                     .endpoint("http://127.0.0.1:" + silent.getLocalPort())
                     .env("LAMBDASCOPE_FLUSH_TIMEOUT", "300ms").start()) {
            fn.awaitReady(Duration.ofSeconds(20));
            for (int i = 1; i <= 3; i++) {
                assertEquals("returned:echo:s" + i, fn.invoke(ECHO, "silent-" + i, 30_000, "string:s" + i));
                Duration took = fn.lastDuration();
                assertTrue(took.compareTo(BUDGET_WITH_SLACK) < 0, "latency " + took);
                assertTrue(took.toMillis() >= 250, "the export did wait for an answer: " + took);
            }
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
