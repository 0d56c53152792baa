package io.lambdascope.agent.internal.lambda;

import io.lambdascope.agent.internal.events.JsonPeek;
import java.util.Map;

/**
 * An event from the Extensions API's {@code next}: {@code INVOKE} with the request id, the deadline (epoch ms),
 * the invoked function ARN and the X-Ray header; {@code SHUTDOWN} (only external extensions get it). Whatever
 * cannot be read is null or -1: a malformed event must never stop the extension from calling {@code next} again.
 */
public final class ExtensionEvent {
    public final String type;
    public final String requestId;
    public final long deadlineMs;
    public final String invokedFunctionArn;
    public final String traceHeader;

    private ExtensionEvent(String type, String requestId, long deadlineMs, String invokedFunctionArn,
                           String traceHeader) {
        this.type = type;
        this.requestId = requestId;
        this.deadlineMs = deadlineMs;
        this.invokedFunctionArn = invokedFunctionArn;
        this.traceHeader = traceHeader;
    }

    public boolean isInvoke() {
        return "INVOKE".equals(type);
    }

    public boolean isShutdown() {
        return "SHUTDOWN".equals(type);
    }

    public static ExtensionEvent parse(byte[] json) {
        Object parsed = json == null || json.length == 0 ? null : JsonPeek.parse(json, json.length);
        if (!(parsed instanceof Map)) {
            return new ExtensionEvent(null, null, -1, null, null);
        }
        Map<?, ?> m = (Map<?, ?>) parsed;
        Object deadline = m.get("deadlineMs");
        long deadlineMs = deadline instanceof Number ? ((Number) deadline).longValue() : -1;
        Object tracing = m.get("tracing");
        String trace = tracing instanceof Map ? string(((Map<?, ?>) tracing).get("value")) : null;
        return new ExtensionEvent(string(m.get("eventType")), string(m.get("requestId")), deadlineMs,
                string(m.get("invokedFunctionArn")), trace);
    }

    private static String string(Object o) {
        return o instanceof String && !((String) o).isEmpty() ? (String) o : null;
    }
}
