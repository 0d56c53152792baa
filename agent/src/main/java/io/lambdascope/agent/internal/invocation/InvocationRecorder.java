package io.lambdascope.agent.internal.invocation;

import io.lambdascope.agent.internal.AgentSettings;
import io.lambdascope.agent.internal.Diagnostics;
import io.lambdascope.agent.internal.events.EventInspector;
import io.lambdascope.agent.internal.events.JsonPeek;
import io.lambdascope.agent.internal.export.Dispatcher;
import io.lambdascope.agent.internal.export.SecretScrubber;
import io.lambdascope.agent.internal.export.SpanEncoder;
import io.lambdascope.agent.internal.export.StackFormatter;
import io.lambdascope.agent.internal.lambda.ContextReader;
import io.lambdascope.agent.internal.lambda.LambdaEnvironment;
import io.lambdascope.agent.internal.lambda.MemoryProbe;
import io.lambdascope.agent.internal.lambda.ProcStat;
import io.lambdascope.agent.internal.lambda.XRayTraceHeader;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Fills in each invocation from the Context, the environment and the event, arms the timeout watchdog, and when
 * the handler returns (or the watchdog fires) either exports the span at once (direct mode) or hands it to the
 * extension, which encodes and sends it after the response. Built on the first invocation, with the watchdog it
 * owns (class initialization is thread-safe and lazy).
 */
final class InvocationRecorder implements TimeoutWatchdog.Listener {
    private static final InvocationRecorder INSTANCE = new InvocationRecorder();

    private final AgentSettings config;
    private final Dispatcher exporter;
    private final TimeoutWatchdog watchdog;
    private final MemoryProbe memory = new MemoryProbe();
    private final String agentVersion;
    private final Object startLock = new Object();
    private boolean started;
    private long functionTimeoutMs = -1;

    private InvocationRecorder() {
        AgentSettings s = Invocations.settings();
        config = s;
        exporter = Invocations.dispatcher();
        watchdog = s.timeoutMarginMs() > 0 ? new TimeoutWatchdog(this) : null;
        agentVersion = Invocations.agentVersion();
    }

    static InvocationRecorder get() {
        return INSTANCE;
    }

    void start(Invocation inv, Object input) {
        ContextReader ctx = ContextReader.of(inv.context);
        boolean first;
        synchronized (startLock) {
            first = !started;
            started = true;
        }
        if (ctx != null) {
            inv.requestId = ctx.awsRequestId(inv.context);
            inv.invokedArn = ctx.invokedFunctionArn(inv.context);
            inv.remainingAtStartMs = ctx.remainingTimeMillis(inv.context);
        }
        long remainingReadNanos = System.nanoTime();
        if (first) {
            inv.coldStart = true;
            inv.initDurationMs = initDurationMillis(inv.startEpochNanos);
            LambdaEnvironment env = LambdaEnvironment.read(System.getenv(), ctx, inv.context);
            inv.initType = env.initializationType;
            String account = Invocations.accountId;
            if (account == null) {
                account = Invocations.accountFromArn(inv.invokedArn);
                Invocations.accountId = account;
            }
            exporter.spans().setResource(SpanEncoder.resource(env, account, agentVersion),
                    SpanEncoder.scope(agentVersion), env.functionName);
            if (inv.remainingAtStartMs > 0) {
                functionTimeoutMs = (inv.remainingAtStartMs + 999) / 1000 * 1000;
            }
        }
        inv.functionTimeoutMs = functionTimeoutMs;
        ids(inv);
        try {
            EventInspector.inspect(input, inv);
        } catch (Throwable t) {
            Diagnostics.hookFailed(t);
        }
        if (watchdog != null && inv.remainingAtStartMs > 0) {
            // Short timeouts get a proportionally smaller margin, so the handler keeps most of its time.
            long margin = Math.min(config.timeoutMarginMs(), inv.remainingAtStartMs / 4);
            inv.watchdogDeadlineNanos = remainingReadNanos + (inv.remainingAtStartMs - margin) * 1_000_000L;
            watchdog.arm(inv);
        }
    }

    void finish(Invocation inv, Object result, Throwable thrown) {
        long endNanos = System.nanoTime();
        inv.endEpochNanos = inv.startEpochNanos + (endNanos - inv.startNanos);
        if (watchdog != null) {
            watchdog.disarm(inv);
        }
        if (Invocations.latest == inv) {
            Invocations.latest = null;
        }
        if (thrown != null) {
            inv.thrown = thrown;
            inv.outcome = "error";
            inv.errorType = thrown.getClass().getName();
        } else {
            inv.outcome = "success";
            if ("http".equals(inv.trigger)) {
                try {
                    inv.httpStatus = EventInspector.httpStatus(result != null ? result
                            : JsonPeek.written(inv.output));
                } catch (Throwable t) {
                    Diagnostics.hookFailed(t);
                }
                if (inv.httpStatus >= 500) {
                    inv.outcome = "error";
                    inv.errorType = Integer.toString(inv.httpStatus);
                }
            }
        }
        synchronized (inv) {
            // Waits here while the watchdog records a provisional record: the correction must follow it.
            inv.state = Invocation.FINISHED;
        }
        inv.heapUsedBytes = MemoryProbe.heapUsedBytes();
        InvocationSink sink = Invocations.sink;
        if (sink != null) {
            // Extension mode: no encoding and no I/O here; the extension reads peak RSS (a high-water mark).
            sink.finished(inv);
            return;
        }
        synchronized (memory) {
            inv.peakRssBytes = memory.peakRssBytes();
        }
        exporter.exportNow(inv, false, System.nanoTime() + config.flushTimeoutMs() * 1_000_000L);
    }

    /**
     * Connects to the collector and loads the timeout path's classes while the first invocation runs, so
     * neither the handler's first export nor an early timeout record pays for them.
     */
    @Override
    public void warmUp() {
        if (Invocations.sink == null) {
            // In extension mode the extension opens the connection itself.
            exporter.warmUp(System.nanoTime() + config.flushTimeoutMs() * 1_000_000L);
        }
        SecretScrubber.scrub(StackFormatter.format(Thread.currentThread().getStackTrace(), 64));
    }

    @Override
    public void onDeadline(Invocation inv) {
        long flushDeadline;
        InvocationSink sink;
        synchronized (inv) {
            if (inv.state != Invocation.RUNNING) {
                return;
            }
            inv.state = Invocation.TIMEOUT_REPORTED;
            long now = System.nanoTime();
            inv.timeoutEpochNanos = inv.startEpochNanos + (now - inv.startNanos);
            ContextReader ctx = ContextReader.of(inv.context);
            inv.timeoutRemainingMs = ctx == null ? -1 : ctx.remainingTimeMillis(inv.context);
            try {
                inv.timeoutStack = SecretScrubber.scrub(StackFormatter.format(inv.thread.getStackTrace(),
                        2 * SpanEncoder.MAX_TIMEOUT_STACK_BYTES));
            } catch (Throwable t) {
                inv.timeoutStack = "";
            }
            synchronized (memory) {
                inv.peakRssBytes = memory.peakRssBytes();
            }
            inv.heapUsedBytes = MemoryProbe.heapUsedBytes();
            long budget = config.flushTimeoutMs();
            if (inv.timeoutRemainingMs > 0) {
                budget = Math.min(budget, inv.timeoutRemainingMs);
            }
            flushDeadline = now + budget * 1_000_000L;
            sink = Invocations.sink;
            if (sink == null) {
                exporter.exportNow(inv, true, flushDeadline);
                return;
            }
            // Encoded while the handler cannot finish, so the correction is always encoded after it.
            exporter.add(inv, true);
        }
        sink.timedOut(flushDeadline);
    }

    private static void ids(Invocation inv) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String header = LambdaEnvironment.traceHeader();
        if (header != null && XRayTraceHeader.parse(header, inv)) {
            inv.spanId = nonZero(random);
            return;
        }
        inv.traceIdHigh = nonZero(random);
        inv.traceIdLow = nonZero(random);
        inv.spanId = nonZero(random);
    }

    private static long nonZero(ThreadLocalRandom random) {
        long v;
        do {
            // Mixed with the clock: after a SnapStart restore every environment would otherwise replay the
            // random state captured in the snapshot, and produce the same ids.
            v = random.nextLong() ^ (System.nanoTime() * 0x9E3779B97F4A7C15L);
        } while (v == 0);
        return v;
    }

    private static long initDurationMillis(long firstEntryEpochNanos) {
        long firstEntryMillis = firstEntryEpochNanos / 1_000_000L;
        // ProcessHandle would give the start instant too, but starts a thread pool and lambdas on first use.
        long jvmStartMillis = ProcStat.processStartEpochMillis(System.currentTimeMillis());
        if (jvmStartMillis <= 0 || jvmStartMillis > firstEntryMillis) {
            jvmStartMillis = Invocations.premainEpochMillis; // a few ms after the JVM started
        }
        return Math.max(0, firstEntryMillis - jvmStartMillis);
    }
}
