package io.lambdascope.agent.internal.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class AgentEventsTest {
    @Test
    void timesAreWrittenAsLambdaWritesThem() {
        long[] millis = {0, 951_782_400_000L, 1_764_457_266_123L, 4_102_444_799_999L};
        String[] expected = {"1970-01-01T00:00:00.000Z", "2000-02-29T00:00:00.000Z", "2025-11-29T23:01:06.123Z",
            "2099-12-31T23:59:59.999Z"};
        for (int i = 0; i < millis.length; i++) {
            StringBuilder sb = new StringBuilder();
            AgentEvents.iso8601(sb, millis[i]);
            assertEquals(expected[i], sb.toString());
        }
        for (int i = 0; i < 1000; i++) {
            long random = ThreadLocalRandom.current().nextLong(0, 4_102_444_800_000L);
            StringBuilder sb = new StringBuilder();
            AgentEvents.iso8601(sb, random);
            assertEquals(random, Instant.parse(sb.toString()).toEpochMilli(), sb.toString());
            assertEquals(24, sb.length(), sb.toString());
        }
    }

    @Test
    void theUninstrumentedEventIsValidJsonWithItsFields() throws Exception {
        JsonNode e = new ObjectMapper().readTree(AgentEvents.uninstrumented("pkg.Handler::handle",
                "a \"quoted\" reason\nwith a line break\u0001", 1_764_457_266_123L));
        assertEquals("2025-11-29T23:01:06.123Z", e.get("time").asText());
        assertEquals("lambdascope.uninstrumented", e.get("type").asText());
        assertEquals("pkg.Handler::handle", e.get("record").get("handler").asText());
        assertEquals("a \"quoted\" reason\nwith a line break\u0001", e.get("record").get("reason").asText());
        assertEquals(3, e.size());
    }

    @Test
    void deadlinesAreEpochMillisOrTheTimeRemaining() {
        long now = System.nanoTime();
        long epoch = System.currentTimeMillis() + 3_000;
        long d = LambdaExtension.deadlineNanos(epoch, now);
        assertTrue(Math.abs((d - now) / 1_000_000L - 3_000) < 200, "epoch milliseconds: " + (d - now));
        assertEquals(now + 676_051_000_000L, LambdaExtension.deadlineNanos(676_051, now), "AWS's documented example");
        assertEquals(now + LambdaExtension.LONGEST_INVOCATION_MILLIS * 1_000_000L, LambdaExtension.deadlineNanos(-1, now));
        assertEquals(now, LambdaExtension.deadlineNanos(System.currentTimeMillis() - 5_000, now), "past: now");
    }
}
