package io.lambdascope.agent.internal.extension;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.agent.internal.export.OtlpHttpClient;
import io.lambdascope.agent.internal.export.PlatformEvents;
import io.lambdascope.agent.internal.export.SpanExporter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What wakes the shutdown hook: the last invocation's report, or before any invocation the init's report. */
class TelemetryInboxTest {
    private static final long MILLIS = 1_000_000L;

    private static TelemetryInbox inbox() {
        return new TelemetryInbox(new PlatformEvents(10,
                new SpanExporter(new OtlpHttpClient("http://127.0.0.1:9", null), 1)), false);
    }

    private static void deliver(TelemetryInbox inbox, String type, String requestId) {
        inbox.event(("{\"type\":\"" + type + "\"}").getBytes(StandardCharsets.UTF_8), type, requestId);
    }

    @Test
    void anInitReportThatArrivesWhileTheHookWaitsEndsTheWait() throws Exception {
        TelemetryInbox inbox = inbox();
        Thread lambda = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deliver(inbox, "platform.initRuntimeDone", null);
            deliver(inbox, "platform.initReport", null);
        });
        long start = System.nanoTime();
        lambda.start();
        assertTrue(inbox.awaitInitReport(start + 5_000 * MILLIS));
        assertTrue(System.nanoTime() - start < 4_000 * MILLIS, "woken by the event, not by the deadline");
        lambda.join();
    }

    @Test
    void withoutAnInitReportTheWaitEndsAtItsDeadline() {
        TelemetryInbox inbox = inbox();
        deliver(inbox, "platform.initStart", null);
        deliver(inbox, "platform.initRuntimeDone", null);
        deliver(inbox, "platform.report", "r1");
        long start = System.nanoTime();
        assertFalse(inbox.awaitInitReport(start + 100 * MILLIS));
        // Waits are in whole milliseconds: the last one may end less than a millisecond early.
        assertTrue(System.nanoTime() - start >= 99 * MILLIS, "waited until the deadline");
        assertTrue(inbox.awaitReport("r1", start), "the invocation's report is told apart");
    }
}
