package io.lambdascope.agent.internal;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The agent's one holder of state: starts and finishes invocations for {@link Hooks}. The exporter, watchdog
 * and resource are built on the first invocation (in {@link Runtime}), not at JVM start.
 */
public final class Invocations {
    private static final String XRAY_PROPERTY = "com.amazonaws.xray.traceHeader";
    private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();

    private static volatile AgentSettings settings;
    private static volatile long premainEpochMillis = System.currentTimeMillis();
    /** The most recent invocation, for attributing SDK calls made on threads the handler started. */
    private static volatile Invocation latest;

    private Invocations() {
    }

    /** Called by the premain; the settings are read once, from the environment. */
    public static void configure(AgentSettings agentSettings) {
        settings = agentSettings;
        premainEpochMillis = System.currentTimeMillis();
        Diagnostics.debug = agentSettings.debug();
    }

    static void enter(Object input, Object output, Object context) {
        Invocation current = CURRENT.get();
        if (current != null) {
            current.depth++;
            return;
        }
        long startNanos = System.nanoTime();
        Invocation inv = new Invocation(Thread.currentThread(), context, Clock.epochNanos(startNanos), startNanos);
        inv.output = output;
        CURRENT.set(inv);
        Runtime rt = Runtime.get();
        rt.start(inv, input);
        latest = inv;
    }

    static void exit(Object result, Throwable thrown) {
        Invocation inv = CURRENT.get();
        if (inv == null) {
            return;
        }
        if (inv.depth > 0) {
            inv.depth--;
            return;
        }
        CURRENT.set(null);
        Runtime.get().finish(inv, result, thrown);
    }

    static Invocation attributionTarget() {
        Invocation inv = CURRENT.get();
        return inv != null ? inv : latest;
    }

    /** Lazily built collaborators, created on the first invocation (class initialization is thread-safe). */
    static final class Runtime implements TimeoutWatchdog.Listener {
        private static final Runtime INSTANCE = new Runtime();

        private final AgentSettings config;
        private final SpanExporter exporter;
        private final TimeoutWatchdog watchdog;
        private final MemoryProbe memory = new MemoryProbe();
        private final String agentVersion;
        private final Object startLock = new Object();
        private boolean started;
        private long functionTimeoutMs = -1;

        private Runtime() {
            AgentSettings s = settings;
            if (s == null) {
                s = AgentSettings.from(System.getenv());
            }
            config = s;
            exporter = new SpanExporter(new OtlpHttpExporter(s.endpoint(), s.token()), s.maxBufferedSpans());
            watchdog = s.timeoutMarginMs() > 0 ? new TimeoutWatchdog(this) : null;
            Package p = Invocations.class.getPackage();
            String version = p == null ? null : p.getImplementationVersion();
            agentVersion = version == null ? "unknown" : version;
        }

        static Runtime get() {
            return INSTANCE;
        }

        SpanExporter exporter() {
            return exporter;
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
                String type = System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE");
                inv.initType = type == null || type.isEmpty() ? "on-demand" : type;
                exporter.setResource(SpanEncoder.resource(resourceInfo(ctx, inv.context)),
                        SpanEncoder.scope(agentVersion), functionName(ctx, inv.context));
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
            if (latest == inv) {
                latest = null;
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
                // Waits here while the watchdog exports a provisional record: the correction must follow it.
                inv.state = Invocation.FINISHED;
            }
            synchronized (memory) {
                inv.peakRssBytes = memory.peakRssBytes();
            }
            inv.heapUsedBytes = MemoryProbe.heapUsedBytes();
            exporter.export(inv, false, System.nanoTime() + config.flushTimeoutMs() * 1_000_000L);
        }

        /**
         * Connects to the collector and loads the timeout path's classes while the first invocation runs, so
         * neither the handler's first export nor an early timeout record pays for them.
         */
        @Override
        public void warmUp() {
            exporter.connect(System.nanoTime() + config.flushTimeoutMs() * 1_000_000L);
            SecretScrubber.scrub(StackFormatter.format(Thread.currentThread().getStackTrace(), 64));
        }

        @Override
        public void onDeadline(Invocation inv) {
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
                exporter.export(inv, true, now + budget * 1_000_000L);
            }
        }

        private static void ids(Invocation inv) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            String header = System.getProperty(XRAY_PROPERTY);
            if (header == null) {
                header = System.getenv("_X_AMZN_TRACE_ID");
            }
            if (header != null && XRay.parse(header, inv)) {
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

        private long initDurationMillis(long firstEntryEpochNanos) {
            long firstEntryMillis = firstEntryEpochNanos / 1_000_000L;
            // ProcessHandle would give the start instant too, but starts a thread pool and lambdas on first use.
            long jvmStartMillis = ProcStat.processStartEpochMillis(System.currentTimeMillis());
            if (jvmStartMillis <= 0 || jvmStartMillis > firstEntryMillis) {
                jvmStartMillis = premainEpochMillis; // a few ms after the JVM started
            }
            return Math.max(0, firstEntryMillis - jvmStartMillis);
        }

        private SpanEncoder.ResourceInfo resourceInfo(ContextReader ctx, Object context) {
            Map<String, String> env = System.getenv();
            long memoryMb = -1;
            String configured = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
            if (configured != null) {
                try {
                    memoryMb = Long.parseLong(configured.trim());
                } catch (NumberFormatException e) {
                    memoryMb = -1;
                }
            }
            if (memoryMb <= 0 && ctx != null) {
                memoryMb = ctx.memoryLimitMb(context);
            }
            String version = env.get("AWS_LAMBDA_FUNCTION_VERSION");
            return new SpanEncoder.ResourceInfo(functionName(ctx, context), version == null ? "$LATEST" : version,
                    env.get("AWS_LAMBDA_LOG_STREAM_NAME"), memoryMb > 0 ? memoryMb * 1024 * 1024 : -1,
                    env.get("AWS_REGION"), agentVersion);
        }

        private static String functionName(ContextReader ctx, Object context) {
            String name = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
            if ((name == null || name.isEmpty()) && ctx != null) {
                name = ctx.functionName(context);
            }
            return name == null || name.isEmpty() ? "unknown_function" : name;
        }
    }
}
