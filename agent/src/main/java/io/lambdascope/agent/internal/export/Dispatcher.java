package io.lambdascope.agent.internal.export;

import io.lambdascope.agent.internal.AgentSettings;
import io.lambdascope.agent.internal.invocation.Invocation;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Everything that leaves the function goes through here: spans (OTLP, {@code /v1/traces}) and platform events
 * (JSON, {@code /v1/lambda/telemetry}), over one connection to the collector. Direct mode sends each span before
 * the handler returns ({@link #exportNow}); the extension buffers ({@link #add}, {@link PlatformEvents#offer}) and
 * sends at the end of each invocation, or in batch mode when the batch is due ({@link #flush}), behind a circuit
 * breaker. One lock serializes the use of the connection; every caller waits for it at most until its own
 * deadline, so a request stuck on another thread can never hold a caller past its budget.
 */
public final class Dispatcher {
    /** What a flush did, for the extension's bookkeeping and the tests. */
    public enum Flush { NOTHING, SENT, FAILED, BREAKER_OPEN, NOT_DUE, BUSY, NO_TIME }

    private static final LongSupplier WALL_CLOCK = new LongSupplier() {
        @Override
        public long getAsLong() {
            return System.currentTimeMillis();
        }
    };

    private final ReentrantLock lock = new ReentrantLock();
    private final OtlpHttpClient http;
    private final SpanExporter spans;
    private final PlatformEvents events;
    private final CircuitBreaker breaker = new CircuitBreaker();
    private final boolean batch;
    private final long batchMaxAgeMillis;
    /** A generous bound on one encoded span (stack, message and records are capped), for {@link #certainlyIdle}. */
    static final int PENDING_SPAN_BYTES = 128 * 1024;
    /** How far ahead {@link #certainlyIdle} looks: the sender encodes and flushes well within it. */
    static final long IDLE_SLACK_MILLIS = 1_000;

    private final int maxSpans;
    private final int maxEvents;
    private final LongSupplier clock;
    private volatile String identityHeaders;
    private String routeHeaders;
    private OtlpHttpClient.Route platformRoute;

    public Dispatcher(AgentSettings s) {
        this(new OtlpHttpClient(s.endpoint(), s.token()), s.maxBufferedSpans(), s.maxBufferedEvents(), s.batch(),
                s.batchMaxAgeMs(), WALL_CLOCK);
    }

    /** With the client and wall clock of the caller's choosing (tests). */
    public Dispatcher(OtlpHttpClient http, int maxSpans, int maxEvents, boolean batch, long batchMaxAgeMillis,
                      LongSupplier clock) {
        this.http = http;
        this.spans = new SpanExporter(http, maxSpans);
        this.events = new PlatformEvents(maxEvents, spans);
        this.batch = batch;
        this.batchMaxAgeMillis = batchMaxAgeMillis;
        this.maxSpans = maxSpans;
        this.maxEvents = maxEvents;
        this.clock = clock;
    }

    public SpanExporter spans() {
        return spans;
    }

    public PlatformEvents events() {
        return events;
    }

    /**
     * The headers that identify the function on platform-event requests (docs/telemetry.md §2); null values are
     * left out. Called again when the account becomes known.
     */
    public void setIdentity(String function, String version, String account, String region, String instance) {
        StringBuilder h = new StringBuilder(160);
        header(h, "X-Lambdascope-Function", function);
        header(h, "X-Lambdascope-Function-Version", version);
        header(h, "X-Lambdascope-Account", account);
        header(h, "X-Lambdascope-Region", region);
        header(h, "X-Lambdascope-Instance", instance);
        identityHeaders = h.toString();
    }

    /** Direct mode: sends the span of {@code inv} (and whatever waits) now, within {@code deadlineNanos}. */
    public boolean exportNow(Invocation inv, boolean provisional, long deadlineNanos) {
        if (!lock(deadlineNanos)) {
            // Another thread holds the connection past our budget: keep the span for the next export.
            spans.add(inv, provisional, clock.getAsLong());
            return false;
        }
        try {
            return spans.export(inv, provisional, deadlineNanos);
        } finally {
            lock.unlock();
        }
    }

    /** Extension mode: encodes the span of {@code inv} into the buffer; {@link #flush} sends it. */
    public void add(Invocation inv, boolean provisional) {
        spans.add(inv, provisional, clock.getAsLong());
    }

    /**
     * Sends what is buffered, spans first, then platform events, each in one request, if the breaker lets it
     * and (batch mode, unless {@code force}) the batch is due: half the buffer full, or its oldest entry older than
     * {@code LAMBDASCOPE_BATCH_MAX_AGE}. Nothing leaves the buffer without a 2xx. {@code ignoreBreaker}: the last
     * chance before the environment goes away (timeout, shutdown), so one try even while the breaker is open.
     */
    public Flush flush(long deadlineNanos, boolean force, boolean ignoreBreaker) {
        if (deadlineNanos - System.nanoTime() <= 0) {
            return Flush.NO_TIME;
        }
        if (!lock(deadlineNanos)) {
            return Flush.BUSY;
        }
        try {
            long now = clock.getAsLong();
            if (spans.bufferedSpans() == 0 && events.size() == 0) {
                return Flush.NOTHING;
            }
            if (batch && !force && !due(now)) {
                return Flush.NOT_DUE;
            }
            if (!breaker.allows(now) && !ignoreBreaker) {
                return Flush.BREAKER_OPEN;
            }
            OtlpHttpClient.Result r = spans.sendPending(deadlineNanos);
            if (r != OtlpHttpClient.Result.RETRYABLE && events.size() > 0) {
                if (deadlineNanos - System.nanoTime() <= 0) {
                    return r == null ? Flush.NO_TIME : Flush.SENT;
                }
                r = events.send(http, platformRoute(), deadlineNanos);
            }
            if (r == OtlpHttpClient.Result.RETRYABLE) {
                breaker.failure(clock.getAsLong(), http.retryAfterMillis());
                return Flush.FAILED;
            }
            breaker.success(); // 2xx, or a refusal: the collector is there
            return Flush.SENT;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a flush (not forced, breaker respected) would certainly send nothing, even after {@code pending}
     * more spans are added: the breaker stays open for another second, or, in batch mode, the batch stays short
     * of half full (counting each pending span at {@link #PENDING_SPAN_BYTES}) and of its age for another second.
     * Decided without waiting and without I/O; a flush under way on another thread makes it false.
     */
    public boolean certainlyIdle(int pending) {
        if (!lock.tryLock()) {
            return false;
        }
        try {
            long now = clock.getAsLong();
            if (!breaker.allows(now + IDLE_SLACK_MILLIS)) {
                return true;
            }
            if (!batch) {
                return pending == 0 && spans.bufferedSpans() == 0 && events.size() == 0;
            }
            if (spans.bufferedSpans() + pending >= Math.max(1, maxSpans / 2)
                    || events.size() >= Math.max(1, maxEvents / 2)
                    || spans.bufferedBytes() + (long) pending * PENDING_SPAN_BYTES >= SpanExporter.MAX_BUFFERED_BYTES / 2
                    || events.bytes() >= PlatformEvents.MAX_BYTES / 2) {
                return false;
            }
            long oldestSpan = spans.oldestMillis();
            long oldestEvent = events.oldestMillis();
            long soon = now + IDLE_SLACK_MILLIS;
            return !(oldestSpan >= 0 && soon - oldestSpan >= batchMaxAgeMillis
                    || oldestEvent >= 0 && soon - oldestEvent >= batchMaxAgeMillis
                    || pending > 0 && IDLE_SLACK_MILLIS >= batchMaxAgeMillis);
        } finally {
            lock.unlock();
        }
    }

    /** Opens the collector connection ahead of the first flush, within {@code deadlineNanos}. */
    public void warmUp(long deadlineNanos) {
        if (!lock(deadlineNanos)) {
            return;
        }
        try {
            if (breaker.allows(clock.getAsLong())) {
                http.connectIfIdle(deadlineNanos);
            }
        } finally {
            lock.unlock();
        }
    }

    boolean breakerOpen() {
        return breaker.isOpen();
    }

    private boolean due(long now) {
        if (spans.bufferedSpans() >= Math.max(1, maxSpans / 2) || events.size() >= Math.max(1, maxEvents / 2)
                || spans.bufferedBytes() >= SpanExporter.MAX_BUFFERED_BYTES / 2
                || events.bytes() >= PlatformEvents.MAX_BYTES / 2) {
            return true;
        }
        long oldestSpan = spans.oldestMillis();
        long oldestEvent = events.oldestMillis();
        return oldestSpan >= 0 && now - oldestSpan >= batchMaxAgeMillis
                || oldestEvent >= 0 && now - oldestEvent >= batchMaxAgeMillis;
    }

    private OtlpHttpClient.Route platformRoute() {
        String h = identityHeaders;
        if (platformRoute == null || h != routeHeaders) {
            routeHeaders = h;
            platformRoute = http.platformRoute(h);
        }
        return platformRoute;
    }

    private boolean lock(long deadlineNanos) {
        try {
            return lock.tryLock(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void header(StringBuilder h, String name, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        h.append(name).append(": ");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // Header values are ASCII without control characters; AWS names always are.
            h.append(c < 0x20 || c > 0x7e ? '_' : c);
        }
        h.append("\r\n");
    }
}
