package io.lambdascope.agent.internal.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExtensionEventTest {
    private static ExtensionEvent parse(String json) {
        return ExtensionEvent.parse(json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheInvokeEventAsAwsDocumentsIt() {
        ExtensionEvent e = parse("{\"eventType\":\"INVOKE\",\"deadlineMs\":1764457266123,"
                + "\"requestId\":\"3da1f2dc-3222-475e-9205-e2e6c6318895\","
                + "\"invokedFunctionArn\":\"arn:aws:lambda:us-east-1:123456789012:function:ExtensionTest\","
                + "\"tracing\":{\"type\":\"X-Amzn-Trace-Id\",\"value\":\"Root=1-5f35ae12-0c0fec141ab77a00bc047aa2\"}}");
        assertTrue(e.isInvoke());
        assertFalse(e.isShutdown());
        assertEquals("3da1f2dc-3222-475e-9205-e2e6c6318895", e.requestId);
        assertEquals(1764457266123L, e.deadlineMs);
        assertEquals("arn:aws:lambda:us-east-1:123456789012:function:ExtensionTest", e.invokedFunctionArn);
        assertEquals("Root=1-5f35ae12-0c0fec141ab77a00bc047aa2", e.traceHeader);
        assertTrue(parse("{\"eventType\":\"SHUTDOWN\",\"shutdownReason\":\"spindown\",\"deadlineMs\":1}").isShutdown());
    }

    @Test
    void whateverIsUnreadableIsNullNeverAnException() {
        for (String bad : new String[] {null, "", "{not json", "[]", "\"INVOKE\"", "{\"eventType\":7}"}) {
            ExtensionEvent e = parse(bad);
            assertNull(e.type, bad);
            assertNull(e.requestId, bad);
            assertEquals(-1, e.deadlineMs, bad);
        }
        ExtensionEvent e = parse("{\"eventType\":\"INVOKE\",\"requestId\":\"\",\"deadlineMs\":\"soon\",\"tracing\":3}");
        assertTrue(e.isInvoke());
        assertNull(e.requestId);
        assertEquals(-1, e.deadlineMs);
        assertNull(e.traceHeader);
    }
}
