package io.lambdascope.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentSettingsTest {
    @Test
    void defaults() {
        AgentSettings s = AgentSettings.from(Map.of());
        assertTrue(s.enabled());
        assertEquals("http://localhost:4318", s.endpoint());
        assertNull(s.token());
        assertEquals(300, s.flushTimeoutMs());
        assertEquals(200, s.timeoutMarginMs());
        assertEquals(64, s.maxBufferedSpans());
        assertNull(s.handler());
        assertTrue(s.throttles());
        assertFalse(s.debug());
        assertTrue(s.extension());
        assertFalse(s.batch());
        assertEquals(10_000, s.batchMaxAgeMs());
        assertEquals(1000, s.maxBufferedEvents());
        assertEquals(0, s.telemetryPort());
        assertFalse(s.functionLogs());
        assertNull(s.runtimeApi());
        assertEquals(List.of(), s.warnings());
    }

    @Test
    void readsEverySetting() {
        AgentSettings s = AgentSettings.from(Map.of("LAMBDASCOPE_ENABLED", "false",
                "LAMBDASCOPE_ENDPOINT", "https://collector.example:8443/otlp", "LAMBDASCOPE_TOKEN", " t0k ",
                "LAMBDASCOPE_FLUSH_TIMEOUT", "150ms", "LAMBDASCOPE_TIMEOUT_MARGIN", "0ms",
                "LAMBDASCOPE_MAX_BUFFERED_SPANS", "5", "_HANDLER", "a.B::c", "LAMBDASCOPE_THROTTLES", "no",
                "LAMBDASCOPE_DEBUG", "1"));
        assertFalse(s.enabled());
        assertEquals("https://collector.example:8443/otlp", s.endpoint());
        assertEquals("t0k", s.token());
        assertEquals(150, s.flushTimeoutMs());
        assertEquals(0, s.timeoutMarginMs());
        assertEquals(5, s.maxBufferedSpans());
        assertEquals("a.B::c", s.handler());
        assertFalse(s.throttles());
        assertTrue(s.debug());
        assertEquals("x.Y", AgentSettings.from(Map.of("_HANDLER", "a.B", "LAMBDASCOPE_HANDLER", "x.Y")).handler());
        assertEquals(List.of(), s.warnings());

        AgentSettings e = AgentSettings.from(Map.of("LAMBDASCOPE_EXTENSION", "false", "LAMBDASCOPE_EXPORT", "Batch",
                "LAMBDASCOPE_BATCH_MAX_AGE", "2m", "LAMBDASCOPE_MAX_BUFFERED_EVENTS", "50",
                "LAMBDASCOPE_TELEMETRY_PORT", "4243", "LAMBDASCOPE_FUNCTION_LOGS", "true",
                "AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"));
        assertFalse(e.extension());
        assertTrue(e.batch());
        assertEquals(120_000, e.batchMaxAgeMs());
        assertEquals(50, e.maxBufferedEvents());
        assertEquals(4243, e.telemetryPort());
        assertTrue(e.functionLogs());
        assertEquals("127.0.0.1:9001", e.runtimeApi());
        assertEquals(List.of(), e.warnings());
    }

    @Test
    void durationsNeedAUnit() {
        assertEquals(300, AgentSettings.parseDurationMillis("300ms"));
        assertEquals(10_000, AgentSettings.parseDurationMillis(" 10s "));
        assertEquals(300_000, AgentSettings.parseDurationMillis("5m"));
        assertEquals(3_600_000, AgentSettings.parseDurationMillis("1h"));
        assertEquals(86_400_000, AgentSettings.parseDurationMillis("1d"));
        assertEquals(0, AgentSettings.parseDurationMillis("0s"));
        for (String bad : new String[] {"300", "", "ms", "1.5s", "-1s", "10 s", "10S", "1w", "9999999999999s"}) {
            assertEquals(-1, AgentSettings.parseDurationMillis(bad), bad);
        }
        AgentSettings s = AgentSettings.from(Map.of("LAMBDASCOPE_FLUSH_TIMEOUT", "300",
                "LAMBDASCOPE_TIMEOUT_MARGIN", "2m"));
        assertEquals(300, s.flushTimeoutMs(), "a bare number is no duration: the default applies");
        assertEquals(200, s.timeoutMarginMs(), "beyond 60s: the default applies");
        assertEquals(List.of("LAMBDASCOPE_FLUSH_TIMEOUT=300 is not a duration between 1ms and 30s (a whole number "
                        + "and a unit: 300ms, 10s, 5m); using 300ms",
                "LAMBDASCOPE_TIMEOUT_MARGIN=2m is not a duration between 0ms and 1m (a whole number and a unit: "
                        + "300ms, 10s, 5m); using 200ms"), s.warnings());
    }

    @Test
    void earlierMillisecondNamesStillWorkWithAWarning() {
        AgentSettings s = AgentSettings.from(Map.of("LAMBDASCOPE_FLUSH_TIMEOUT_MS", "5000",
                "LAMBDASCOPE_TIMEOUT_MARGIN_MS", "700", "LAMBDASCOPE_TIMEOUT_MARGIN", "1s"));
        assertEquals(5000, s.flushTimeoutMs());
        assertEquals(1000, s.timeoutMarginMs(), "the new name wins");
        assertEquals(List.of("LAMBDASCOPE_FLUSH_TIMEOUT_MS is now LAMBDASCOPE_FLUSH_TIMEOUT (a duration such as "
                        + "5000ms); reading it as milliseconds",
                "LAMBDASCOPE_TIMEOUT_MARGIN_MS is ignored: LAMBDASCOPE_TIMEOUT_MARGIN is set"), s.warnings());
    }

    @Test
    void badValuesWarnOnceEachAndFallBack() {
        AgentSettings s = AgentSettings.from(Map.of("LAMBDASCOPE_ENDPOINT", "ftp://x",
                "LAMBDASCOPE_FLUSH_TIMEOUT", "0ms", "LAMBDASCOPE_ENABLED", "maybe", "LAMBDASCOPE_EXPORT", "sometimes",
                "LAMBDASCOPE_TELEMETRY_PORT", "9001"));
        assertEquals("http://localhost:4318", s.endpoint());
        assertEquals(300, s.flushTimeoutMs());
        assertTrue(s.enabled());
        assertFalse(s.batch());
        assertEquals(0, s.telemetryPort(), "9001 is Lambda's");
        assertEquals(5, s.warnings().size(), s.warnings().toString());
    }
}
