package io.lambdascope.agent.internal.invocation;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything known about one handler invocation; the span is encoded from it. Its fields are public: the
 * packages that fill it in (lambda, events, awssdk) and the encoder (export) each live apart, and a plain
 * holder keeps the hot path free of accessors and copies.
 */
public final class Invocation {
    static final int RUNNING = 0;
    static final int TIMEOUT_REPORTED = 1;
    static final int FINISHED = 2;

    public static final int MAX_RECORDS = 256;
    static final int MAX_THROTTLES = 64;

    public final Thread thread;
    public final Object context;
    /** A stream handler's OutputStream, read for the HTTP status of its response. */
    public Object output;
    public final long startEpochNanos;
    public final long startNanos;
    /** Nested calls of an instrumented method on the same thread (an overload calling another). */
    int depth;

    public long traceIdHigh;
    public long traceIdLow;
    public long spanId;
    public long parentSpanId;

    public String requestId;
    public String invokedArn;
    public long remainingAtStartMs = -1;
    public long functionTimeoutMs = -1;
    long watchdogDeadlineNanos;

    public boolean coldStart;
    public long initDurationMs = -1;
    public String initType;

    public String source = "direct";
    public String trigger = "other";
    public String messagingSystem;
    public String destination;
    public int batchCount = -1;
    public final List<RecordInfo> records = new ArrayList<>(2);
    public int recordsDropped;

    public long endEpochNanos;
    public String outcome;
    public String errorType;
    public Throwable thrown;
    public int httpStatus = -1;
    public long peakRssBytes = -1;
    public long heapUsedBytes = -1;

    /** Guarded by this: the watchdog and the handler thread race to finish the invocation. */
    int state = RUNNING;
    public String timeoutStack;
    public long timeoutRemainingMs = -1;
    public long timeoutEpochNanos;

    private List<ThrottleInfo> throttles;
    private int throttlesDropped;
    private Object lastThrottleDetails;

    public Invocation(Thread thread, Object context, long startEpochNanos, long startNanos) {
        this.thread = thread;
        this.context = context;
        this.startEpochNanos = startEpochNanos;
        this.startNanos = startNanos;
    }

    public void addRecord(String dedupKey, String dedupSource, String messageId, long deliveryCount) {
        if (records.size() >= MAX_RECORDS) {
            recordsDropped++;
            return;
        }
        records.add(new RecordInfo(dedupKey, dedupSource, messageId, deliveryCount));
    }

    /** False when {@code errorDetails} was already seen by the last call (identity), so copies count once. */
    public synchronized boolean firstSightOf(Object errorDetails) {
        if (lastThrottleDetails == errorDetails) {
            return false;
        }
        lastThrottleDetails = errorDetails;
        return true;
    }

    public synchronized void addThrottle(ThrottleInfo throttle) {
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
    public synchronized ThrottleInfo[] throttles() {
        return throttles == null ? null : throttles.toArray(new ThrottleInfo[0]);
    }

    public synchronized int throttlesDropped() {
        return throttlesDropped;
    }

    /** One record of the event: its dedup key, and for SQS its delivery count. */
    public static final class RecordInfo {
        public final String dedupKey;
        public final String dedupSource;
        public final String messageId;
        public final long deliveryCount;

        RecordInfo(String dedupKey, String dedupSource, String messageId, long deliveryCount) {
            this.dedupKey = dedupKey;
            this.dedupSource = dedupSource;
            this.messageId = messageId;
            this.deliveryCount = deliveryCount;
        }
    }

    /** One throttled AWS SDK attempt made during the invocation. */
    public static final class ThrottleInfo {
        public final long epochNanos;
        public final String service;
        public final String operation;
        public final String errorType;

        public ThrottleInfo(long epochNanos, String service, String operation, String errorType) {
            this.epochNanos = epochNanos;
            this.service = service;
            this.operation = operation;
            this.errorType = errorType;
        }
    }
}
