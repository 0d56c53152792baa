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
        assertEquals(List.of(), s.warnings());
    }

    @Test
    void readsEverySetting() {
        AgentSettings s = AgentSettings.from(Map.of("LAMBDASCOPE_ENABLED", "false",
                "LAMBDASCOPE_ENDPOINT", "https://collector.example:8443/otlp", "LAMBDASCOPE_TOKEN", " t0k ",
                "LAMBDASCOPE_FLUSH_TIMEOUT_MS", "150", "LAMBDASCOPE_TIMEOUT_MARGIN_MS", "0",
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
    }

    @Test
    void badValuesWarnOnceEachAndFallBack() {
        AgentSettings s = AgentSettings.from(Map.of("LAMBDASCOPE_ENDPOINT", "ftp://x",
                "LAMBDASCOPE_FLUSH_TIMEOUT_MS", "0", "LAMBDASCOPE_ENABLED", "maybe"));
        assertEquals("http://localhost:4318", s.endpoint());
        assertEquals(300, s.flushTimeoutMs());
        assertTrue(s.enabled());
        assertEquals(3, s.warnings().size(), s.warnings().toString());
    }
}
