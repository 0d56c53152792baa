package io.lambdascope.agent.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Telemetry listener's scan of a batch agrees with a full parse, without building the events. */
class JsonPeekScanTest {

    private static JsonPeek.Events scan(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return JsonPeek.scanEvents(b, b.length);
    }

    /** What the scan found, as "type|requestId|element". */
    private static List<String> found(String json) {
        JsonPeek.Events events = scan(json);
        assertNotNull(events, json);
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            out.add(events.type(i) + "|" + events.requestId(i) + "|"
                    + new String(b, events.start(i), events.end(i) - events.start(i), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void findsTypeRequestIdAndBoundsOfEachEvent() {
        String report = "{\"time\":\"2026-12-02T03:00:00.000Z\",\"type\":\"platform.report\",\"record\":{\"metrics\":"
                + "{\"durationMs\":1.25,\"billedDurationMs\":2,\"memorySizeMB\":512,\"maxMemoryUsedMB\":-1e3},"
                + "\"status\":\"success\",\"spans\":[{\"name\":\"responseLatency\",\"durationMs\":0.5}],"
                + "\"tracing\":{\"value\":\"Root=1-a\"},\"requestId\":\"r-1\",\"ok\":true,\"no\":false,\"n\":null}}";
        String log = "{ \"time\" : \"t\" , \"type\" : \"function\" , \"record\" : \"h\\u00e9llo \\\"requestId\\\"\" }";
        String escapedKeys = "{\"ty\\u0070e\":\"platform.start\",\"rec\\u006frd\":{\"request\\u0049d\":\"r-\\u0032\"}}";
        assertEquals(List.of("platform.report|r-1|" + report, "function|null|" + log,
                "platform.start|r-2|" + escapedKeys), found(" [ " + report + " ,\n" + log + "," + escapedKeys + " ] "));
        assertEquals(List.of(), found("[]"));
        assertEquals(List.of("null|null|{}"), found("[{}]"), "no type: the listener refuses it");
        assertEquals(List.of("null|null|{\"type\":5,\"record\":[\"requestId\"]}"),
                found("[{\"type\":5,\"record\":[\"requestId\"]}]"));
    }

    @Test
    void refusesWhatAFullParseRefuses() {
        String[] bad = {"", " ", "{}", "[", "[{\"type\":\"x\"}", "[{\"type\":\"x\"}] trailing", "[{\"type\":\"x\"},]",
            "[\"text\"]", "[[]]", "[{\"type\":\"\\u12\"}]", "[{\"type\":\"x\",\"a\":\"\\u12g4\"}]",
            "[{\"type\":\"x\",\"a\":tru}]", "[{\"type\":\"x\",\"a\":-}]", "[{\"type\":\"x\",\"a\":1.}]",
            "[{\"type\":\"x\",\"a\":1e}]", "[{\"type\":\"x\",\"a\":.5}]", "[{\"type\":\"x\" \"a\":1}]",
            "[{\"type\":\"x\",a:1}]", "[{\"type\":\"x\",\"a\":{\"b\":1,}}]",
            "[{\"type\":\"x\",\"a\":" + "[".repeat(100) + "]".repeat(100) + "}]"};
        for (String json : bad) {
            assertNull(scan(json), json);
        }
        for (String json : new String[] {"[{\"type\":\"x\",\"a\":[1,-2.5e+3,\"s\",{}]}]", "[{\"type\":\"x\",\"a\":0}]"}) {
            assertNotNull(scan(json), json);
            assertNotNull(JsonPeek.parse(json.getBytes(StandardCharsets.UTF_8), json.length()), json);
            Object first = ((List<?>) JsonPeek.parse(json.getBytes(StandardCharsets.UTF_8), json.length())).get(0);
            assertEquals("x", ((Map<?, ?>) first).get("type"));
        }
    }
}
