package io.lambdascope.agent.internal;

import java.util.ArrayList;
import java.util.List;

/** Everything known about one handler invocation; the span is encoded from it. */
final class Invocation {
    static final int RUNNING = 0;
    static final int TIMEOUT_REPORTED = 1;
    static final int FINISHED = 2;

    static final int MAX_RECORDS = 256;
    static final int MAX_THROTTLES = 64;

    final Thread thread;
    final Object context;
    /** A stream handler's OutputStream, read for the HTTP status of its response. */
    Object output;
    final long startEpochNanos;
    final long startNanos;
    /** Nested calls of an instrumented method on the same thread (an overload calling another). */
    int depth;

    long traceIdHigh;
    long traceIdLow;
    long spanId;
    long parentSpanId;

    String requestId;
    String invokedArn;
    long remainingAtStartMs = -1;
    long functionTimeoutMs = -1;
    long watchdogDeadlineNanos;

    boolean coldStart;
    long initDurationMs = -1;
    String initType;

    String source = "direct";
    String trigger = "other";
    String messagingSystem;
    String destination;
    int batchCount = -1;
    final List<RecordInfo> records = new ArrayList<>(2);
    int recordsDropped;

    long endEpochNanos;
    String outcome;
    String errorType;
    Throwable thrown;
    int httpStatus = -1;
    long peakRssBytes = -1;
    long heapUsedBytes = -1;

    /** Guarded by this: the watchdog and the handler thread race to finish the invocation. */
    int state = RUNNING;
    String timeoutStack;
    long timeoutRemainingMs = -1;
    long timeoutEpochNanos;

    private List<ThrottleInfo> throttles;
    private int throttlesDropped;
    private Object lastThrottleDetails;

    Invocation(Thread thread, Object context, long startEpochNanos, long startNanos) {
        this.thread = thread;
        this.context = context;
        this.startEpochNanos = startEpochNanos;
        this.startNanos = startNanos;
    }

    void addRecord(String dedupKey, String dedupSource, String messageId, long deliveryCount) {
        if (records.size() >= MAX_RECORDS) {
            recordsDropped++;
            return;
        }
        records.add(new RecordInfo(dedupKey, dedupSource, messageId, deliveryCount));
    }

    /** False when {@code errorDetails} was already seen by the last call (identity), so copies count once. */
    synchronized boolean firstSightOf(Object errorDetails) {
        if (lastThrottleDetails == errorDetails) {
            return false;
        }
        lastThrottleDetails = errorDetails;
        return true;
    }

    synchronized void addThrottle(ThrottleInfo throttle) {
        if (throttles == null) {
            throttles = new ArrayList<>(2);
        }
        if (throttles.size() >= MAX_THROTTLES) {
            throttlesDropped++;
            return;
        }
        throttles.add(throttle);
    }

    /** A copy, since SDK calls on other threads may still add while the span is encoded. */
    synchronized ThrottleInfo[] throttles() {
        return throttles == null ? null : throttles.toArray(new ThrottleInfo[0]);
    }

    synchronized int throttlesDropped() {
        return throttlesDropped;
    }

    static final class RecordInfo {
        final String dedupKey;
        final String dedupSource;
        final String messageId;
        final long deliveryCount;

        RecordInfo(String dedupKey, String dedupSource, String messageId, long deliveryCount) {
            this.dedupKey = dedupKey;
            this.dedupSource = dedupSource;
            this.messageId = messageId;
            this.deliveryCount = deliveryCount;
        }
    }

    static final class ThrottleInfo {
        final long epochNanos;
        final String service;
        final String operation;
        final String errorType;

        ThrottleInfo(long epochNanos, String service, String operation, String errorType) {
            this.epochNanos = epochNanos;
            this.service = service;
            this.operation = operation;
            this.errorType = errorType;
        }
    }
}
