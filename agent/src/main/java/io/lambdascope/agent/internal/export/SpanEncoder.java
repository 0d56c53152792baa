package io.lambdascope.agent.internal.export;

import io.lambdascope.agent.internal.invocation.Invocation;
import io.lambdascope.agent.internal.lambda.LambdaEnvironment;

/**
 * Writes the invocation span (opentelemetry-proto {@code trace.v1.Span}) and the resource and scope that wrap
 * it, following docs/telemetry.md. Field numbers are those of opentelemetry-proto; the tests decode the output
 * with the official generated classes.
 */
public final class SpanEncoder {
    // Span
    private static final int SPAN_TRACE_ID = 1;
    private static final int SPAN_SPAN_ID = 2;
    private static final int SPAN_PARENT_SPAN_ID = 4;
    private static final int SPAN_NAME = 5;
    private static final int SPAN_KIND = 6;
    private static final int SPAN_START = 7;
    private static final int SPAN_END = 8;
    private static final int SPAN_ATTRIBUTES = 9;
    private static final int SPAN_EVENTS = 11;
    private static final int SPAN_DROPPED_EVENTS = 12;
    private static final int SPAN_STATUS = 15;
    private static final int KIND_SERVER = 2;
    // Event
    private static final int EVENT_TIME = 1;
    private static final int EVENT_NAME = 2;
    private static final int EVENT_ATTRIBUTES = 3;
    // Status
    private static final int STATUS_MESSAGE = 2;
    private static final int STATUS_CODE = 3;
    private static final int STATUS_ERROR = 2;
    // Resource / InstrumentationScope
    private static final int RESOURCE_ATTRIBUTES = 1;
    private static final int SCOPE_NAME = 1;
    private static final int SCOPE_VERSION = 2;

    static final int MAX_MESSAGE_BYTES = 1024;
    static final int MAX_STACK_BYTES = 8 * 1024;
    public static final int MAX_TIMEOUT_STACK_BYTES = 16 * 1024;
    private static final int MAX_ATTRIBUTE_BYTES = 4096;

    static final String SCOPE = "io.lambdascope.agent";
    /** {@code host.arch} in the semantic conventions' words, or null: what the processor prices by. */
    static final String HOST_ARCH = hostArch(System.getProperty("os.arch"));

    private SpanEncoder() {
    }

    /** The {@code Resource} message fields (attributes), encoded once per execution environment. */
    public static byte[] resource(LambdaEnvironment r, String accountId, String agentVersion) {
        ProtoWriter w = new ProtoWriter(512);
        w.stringAttribute(RESOURCE_ATTRIBUTES, "service.name", r.functionName);
        w.stringAttribute(RESOURCE_ATTRIBUTES, "faas.name", r.functionName);
        w.stringAttribute(RESOURCE_ATTRIBUTES, "faas.version", r.functionVersion);
        w.stringAttribute(RESOURCE_ATTRIBUTES, "faas.instance", r.instance);
        if (r.maxMemoryBytes > 0) {
            w.intAttribute(RESOURCE_ATTRIBUTES, "faas.max_memory", r.maxMemoryBytes);
        }
        w.stringAttribute(RESOURCE_ATTRIBUTES, "cloud.provider", "aws");
        w.stringAttribute(RESOURCE_ATTRIBUTES, "cloud.platform", "aws_lambda");
        w.stringAttribute(RESOURCE_ATTRIBUTES, "cloud.region", r.region);
        if (HOST_ARCH != null) {
            w.stringAttribute(RESOURCE_ATTRIBUTES, "host.arch", HOST_ARCH);
        }
        if (accountId != null) {
            w.stringAttribute(RESOURCE_ATTRIBUTES, "cloud.account.id", accountId);
        }
        w.stringAttribute(RESOURCE_ATTRIBUTES, "telemetry.sdk.name", "lambdascope");
        w.stringAttribute(RESOURCE_ATTRIBUTES, "telemetry.sdk.language", "java");
        w.stringAttribute(RESOURCE_ATTRIBUTES, "telemetry.sdk.version", agentVersion);
        return w.toByteArray();
    }

    /** Java's {@code os.arch} as {@code host.arch}: Lambda runs on x86_64 ({@code amd64}) or arm64. */
    static String hostArch(String osArch) {
        if ("amd64".equals(osArch) || "x86_64".equals(osArch)) {
            return "amd64";
        }
        if ("aarch64".equals(osArch) || "arm64".equals(osArch)) {
            return "arm64";
        }
        return null;
    }

    /** The {@code InstrumentationScope} message fields. */
    public static byte[] scope(String agentVersion) {
        ProtoWriter w = new ProtoWriter(64);
        w.string(SCOPE_NAME, SCOPE);
        if (agentVersion != null) {
            w.string(SCOPE_VERSION, agentVersion);
        }
        return w.toByteArray();
    }

    /**
     * Writes the span's fields (the content of a Span message).
     *
     * @param provisional the watchdog's timeout record rather than the final span
     * @param droppedSpans spans dropped since the last successful export, reported on this span when positive
     * @param droppedPlatformEvents platform events the extension dropped since then, likewise
     */
    static void span(ProtoWriter w, Invocation inv, String spanName, boolean provisional, long droppedSpans,
                     long droppedPlatformEvents) {
        w.id(SPAN_TRACE_ID, inv.traceIdHigh, inv.traceIdLow);
        w.id(SPAN_SPAN_ID, inv.spanId);
        if (inv.parentSpanId != 0) {
            w.id(SPAN_PARENT_SPAN_ID, inv.parentSpanId);
        }
        w.string(SPAN_NAME, spanName);
        w.varint(SPAN_KIND, KIND_SERVER);
        long end = provisional ? inv.timeoutEpochNanos : inv.endEpochNanos;
        w.fixed64(SPAN_START, inv.startEpochNanos);
        w.fixed64(SPAN_END, end);

        String outcome = provisional ? "timeout" : inv.outcome;
        w.stringAttribute(SPAN_ATTRIBUTES, "faas.invocation_id", inv.requestId, MAX_ATTRIBUTE_BYTES);
        w.stringAttribute(SPAN_ATTRIBUTES, "faas.trigger", inv.trigger);
        w.boolAttribute(SPAN_ATTRIBUTES, "faas.coldstart", inv.coldStart);
        if (inv.invokedArn != null) {
            w.stringAttribute(SPAN_ATTRIBUTES, "cloud.resource_id", inv.invokedArn, MAX_ATTRIBUTE_BYTES);
            w.stringAttribute(SPAN_ATTRIBUTES, "aws.lambda.invoked_arn", inv.invokedArn, MAX_ATTRIBUTE_BYTES);
        }
        w.stringAttribute(SPAN_ATTRIBUTES, "lambdascope.outcome", outcome);
        if (provisional) {
            w.boolAttribute(SPAN_ATTRIBUTES, "lambdascope.timeout.provisional", true);
        }
        w.stringAttribute(SPAN_ATTRIBUTES, "lambdascope.event.source", inv.source);
        if (inv.functionTimeoutMs > 0) {
            w.intAttribute(SPAN_ATTRIBUTES, "lambdascope.function.timeout_ms", inv.functionTimeoutMs);
        }
        if (inv.coldStart) {
            if (inv.initDurationMs >= 0) {
                w.intAttribute(SPAN_ATTRIBUTES, "lambdascope.init.duration_ms", inv.initDurationMs);
            }
            w.stringAttribute(SPAN_ATTRIBUTES, "lambdascope.init.type", inv.initType);
        }
        if (inv.peakRssBytes >= 0) {
            w.intAttribute(SPAN_ATTRIBUTES, "lambdascope.memory.peak_rss_bytes", inv.peakRssBytes);
        }
        if (inv.heapUsedBytes >= 0) {
            w.intAttribute(SPAN_ATTRIBUTES, "lambdascope.memory.heap_used_bytes", inv.heapUsedBytes);
        }
        if (droppedSpans > 0) {
            w.intAttribute(SPAN_ATTRIBUTES, "lambdascope.agent.dropped_spans", droppedSpans);
        }
        if (droppedPlatformEvents > 0) {
            w.intAttribute(SPAN_ATTRIBUTES, "lambdascope.agent.dropped_events", droppedPlatformEvents);
        }
        if (!provisional && inv.errorType != null) {
            w.stringAttribute(SPAN_ATTRIBUTES, "error.type", inv.errorType, MAX_ATTRIBUTE_BYTES);
        }
        if (!provisional && inv.httpStatus > 0) {
            w.intAttribute(SPAN_ATTRIBUTES, "http.response.status_code", inv.httpStatus);
        }
        if (inv.messagingSystem != null) {
            w.stringAttribute(SPAN_ATTRIBUTES, "messaging.system", inv.messagingSystem);
            w.stringAttribute(SPAN_ATTRIBUTES, "messaging.operation.type", "process");
            w.stringAttribute(SPAN_ATTRIBUTES, "messaging.destination.name", inv.destination, MAX_ATTRIBUTE_BYTES);
        }
        if (inv.batchCount >= 0) {
            w.intAttribute(SPAN_ATTRIBUTES, "messaging.batch.message_count", inv.batchCount);
        }
        if (inv.recordsDropped > 0) {
            w.intAttribute(SPAN_ATTRIBUTES, "lambdascope.records.dropped", inv.recordsDropped);
        }

        String statusMessage = null;
        if (provisional) {
            statusMessage = "timeout: the watchdog fired " + Math.max(0, inv.timeoutRemainingMs)
                    + " ms before the deadline";
            int timeout = w.beginMessage(SPAN_EVENTS);
            w.fixed64(EVENT_TIME, inv.timeoutEpochNanos);
            w.string(EVENT_NAME, "lambdascope.timeout");
            w.stringAttribute(EVENT_ATTRIBUTES, "lambdascope.timeout.stacktrace",
                    inv.timeoutStack == null ? "" : inv.timeoutStack, MAX_TIMEOUT_STACK_BYTES);
            w.intAttribute(EVENT_ATTRIBUTES, "lambdascope.timeout.remaining_ms", Math.max(0, inv.timeoutRemainingMs));
            w.endMessage(timeout);
        } else if (inv.thrown != null) {
            Throwable t = inv.thrown;
            String message = SecretScrubber.scrub(truncate(StackFormatter.message(t), 4 * MAX_MESSAGE_BYTES));
            String stack = SecretScrubber.scrub(StackFormatter.format(t, 4 * MAX_STACK_BYTES));
            statusMessage = message != null ? message : t.getClass().getName();
            int event = w.beginMessage(SPAN_EVENTS);
            w.fixed64(EVENT_TIME, end);
            w.string(EVENT_NAME, "exception");
            w.stringAttribute(EVENT_ATTRIBUTES, "exception.type", t.getClass().getName());
            if (message != null) {
                w.stringAttribute(EVENT_ATTRIBUTES, "exception.message", message, MAX_MESSAGE_BYTES);
            }
            w.stringAttribute(EVENT_ATTRIBUTES, "exception.stacktrace", stack, MAX_STACK_BYTES);
            w.endMessage(event);
        } else if ("error".equals(outcome)) {
            statusMessage = "HTTP " + inv.httpStatus;
        }

        if (inv.records.isEmpty()) {
            if (inv.requestId != null) {
                record(w, inv.startEpochNanos, inv.requestId, "lambda", null, -1);
            }
        } else {
            for (int i = 0; i < inv.records.size(); i++) {
                Invocation.RecordInfo r = inv.records.get(i);
                record(w, inv.startEpochNanos, r.dedupKey, r.dedupSource, r.messageId, r.deliveryCount);
            }
        }

        Invocation.ThrottleInfo[] throttles = inv.throttles();
        if (throttles != null) {
            for (Invocation.ThrottleInfo t : throttles) {
                int event = w.beginMessage(SPAN_EVENTS);
                w.fixed64(EVENT_TIME, t.epochNanos);
                w.string(EVENT_NAME, "lambdascope.downstream_throttle");
                w.stringAttribute(EVENT_ATTRIBUTES, "rpc.system", "aws-api");
                w.stringAttribute(EVENT_ATTRIBUTES, "rpc.service", t.service, MAX_ATTRIBUTE_BYTES);
                w.stringAttribute(EVENT_ATTRIBUTES, "rpc.method", t.operation, MAX_ATTRIBUTE_BYTES);
                w.stringAttribute(EVENT_ATTRIBUTES, "error.type", t.errorType, MAX_ATTRIBUTE_BYTES);
                w.endMessage(event);
            }
        }
        int droppedEvents = inv.throttlesDropped();
        if (droppedEvents > 0) {
            w.varint(SPAN_DROPPED_EVENTS, droppedEvents);
        }

        if (statusMessage != null) {
            int status = w.beginMessage(SPAN_STATUS);
            w.string(STATUS_MESSAGE, statusMessage, MAX_MESSAGE_BYTES);
            w.varint(STATUS_CODE, STATUS_ERROR);
            w.endMessage(status);
        }
    }

    private static void record(ProtoWriter w, long time, String key, String source, String messageId,
                               long deliveryCount) {
        int event = w.beginMessage(SPAN_EVENTS);
        w.fixed64(EVENT_TIME, time);
        w.string(EVENT_NAME, "lambdascope.record");
        w.stringAttribute(EVENT_ATTRIBUTES, "lambdascope.dedup.key", key, MAX_ATTRIBUTE_BYTES);
        w.stringAttribute(EVENT_ATTRIBUTES, "lambdascope.dedup.source", source);
        if (messageId != null) {
            w.stringAttribute(EVENT_ATTRIBUTES, "messaging.message.id", messageId, MAX_ATTRIBUTE_BYTES);
        }
        if (deliveryCount >= 0) {
            w.intAttribute(EVENT_ATTRIBUTES, "lambdascope.delivery.count", deliveryCount);
        }
        w.endMessage(event);
    }

    private static String truncate(String s, int maxChars) {
        return s == null || s.length() <= maxChars ? s : s.substring(0, maxChars);
    }
}
