package io.lambdascope.agent.internal.extension;

import io.lambdascope.agent.internal.AgentSettings;
import io.lambdascope.agent.internal.Diagnostics;
import io.lambdascope.agent.internal.export.Dispatcher;
import io.lambdascope.agent.internal.export.Resolver;
import io.lambdascope.agent.internal.instrumentation.HandlerStatus;
import io.lambdascope.agent.internal.invocation.Invocations;
import io.lambdascope.agent.internal.lambda.ExtensionEvent;
import io.lambdascope.agent.internal.lambda.ExtensionsApi;
import io.lambdascope.agent.internal.lambda.MemoryProbe;
import io.lambdascope.agent.internal.lambda.SandboxAddress;
import io.lambdascope.agent.internal.lambda.TelemetryListener;
import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent as an internal Lambda extension: one daemon thread that registers for INVOKE during init, subscribes
 * a {@link TelemetryListener} to the platform's events, and then loops on {@code next}. For each INVOKE it waits
 * (bounded by the deadline) until the handler handed its invocation over, or, for a handler without hooks, until
 * the platform's {@code runtimeDone} for the request arrived; then it has the {@link FlushThread} send the span
 * and the queued platform events, waits for that at most until the flush deadline, and calls {@code next}.
 *
 * <p>Nothing here may hang the function: once registered, Lambda waits for this thread's {@code next} before the
 * environment can finish init or an invocation, so every step is bounded, every failure caught, and the only
 * unbounded call is {@code next} itself. A registration that fails leaves the agent in direct mode.
 */
public final class LambdaExtension implements Runnable {
    static final int API_TIMEOUT_MILLIS = 2_000;
    /** {@code next} comes at least this long before the invocation's deadline. */
    static final long DEADLINE_SAFETY_MILLIS = 50;
    /** Of the 500 ms Lambda gives the runtime between SIGTERM and SIGKILL when an internal extension registered. */
    static final long SHUTDOWN_BUDGET_MILLIS = 450;
    /** How long the shutdown hook waits for the last invocation's platform.report. */
    static final long REPORT_WAIT_MILLIS = 200;
    static final int MAX_NEXT_FAILURES = 10;
    /** Lambda's longest timeout: the bound when an event carries no usable deadline. */
    static final long LONGEST_INVOCATION_MILLIS = 900_000;
    private static final long SANDBOX_LOOKUP_MILLIS = 100;

    private final AgentSettings settings;
    private final ExtensionsApi api;
    private final Map<String, String> env;
    /** Wired into the agent's static state and the JVM's shutdown hooks; false for tests that drive it alone. */
    private final boolean global;
    private final Outbox outbox = new Outbox(this);
    private Dispatcher dispatcher;
    private TelemetryInbox inbox;
    private FlushThread flusher;
    private TelemetryListener listener;
    private String id;
    private String account;
    private volatile boolean subscribed;
    private volatile String lastRequestId;
    private volatile boolean expectHandOver;
    private volatile boolean expectPosts;
    private long invokes;
    private boolean hookMissed;
    private boolean unreadableReported;

    LambdaExtension(AgentSettings settings, Dispatcher dispatcher, Map<String, String> env, boolean global) {
        this.settings = settings;
        this.api = new ExtensionsApi(settings.runtimeApi());
        this.dispatcher = dispatcher;
        this.env = env;
        this.global = global;
    }

    /**
     * From the premain, on Lambda: registration and subscription run on their own thread while the runtime starts;
     * loading the handler waits for both (bounded), so that init can neither end nor fail before the listener is
     * subscribed: the platform's report of a failed init reaches only a subscribed listener.
     */
    public static void start(AgentSettings settings) {
        Invocations.registrationStarted();
        try {
            Thread t = new Thread(new LambdaExtension(settings, null, System.getenv(), true), "lambdascope-extension");
            t.setDaemon(true);
            t.start();
        } catch (Throwable t) {
            Invocations.registrationSettled(null, null);
            System.err.println("lambdascope: not registered as a Lambda extension (" + t
                    + "); spans are sent before the handler returns");
        }
    }

    @Override
    public void run() {
        if (!register()) {
            return;
        }
        try {
            setUp();
        } catch (Throwable t) {
            // Registered: Lambda now waits for our next, so whatever failed, the loop must run.
            Diagnostics.hookFailed(t);
        } finally {
            if (global) {
                // From here on the handler only hands its invocations over: the loop sends them.
                Invocations.registrationSettled(outbox, account);
            }
        }
        loop();
    }

    private boolean register() {
        ExtensionsApi.Registration r;
        try {
            if (dispatcher == null) {
                dispatcher = Invocations.dispatcher();
            }
            r = api.register(API_TIMEOUT_MILLIS);
        } catch (Throwable t) {
            System.err.println("lambdascope: not registered as a Lambda extension (" + t
                    + "); spans are sent before the handler returns");
            if (global) {
                Invocations.registrationSettled(null, null);
            }
            return false;
        }
        id = r.id;
        account = r.accountId;
        return true;
    }

    private void setUp() {
        Thread self = Thread.currentThread();
        outbox.setWaiter(self);
        inbox = new TelemetryInbox(dispatcher.events(), settings.debug());
        inbox.setWaiter(self);
        flusher = FlushThread.start(dispatcher, outbox);
        identify();
        try {
            InetAddress bind = SandboxAddress.find("/etc/hosts", new Resolver(Resolver.SYSTEM),
                    System.nanoTime() + SANDBOX_LOOKUP_MILLIS * 1_000_000L);
            listener = listen(bind);
            api.subscribe(id, listener.uri(), settings.functionLogs() ? new String[] {"platform", "function"}
                    : new String[] {"platform"}, API_TIMEOUT_MILLIS);
            subscribed = true;
        } catch (Throwable t) {
            System.err.println("lambdascope: no platform events (Telemetry API: " + t + ")");
            if (listener != null) {
                listener.close();
            }
        }
        if (global) {
            Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
                @Override
                public void run() {
                    shutdownFlush();
                }
            }, "lambdascope-shutdown"));
        }
    }

    private TelemetryListener listen(InetAddress bind) throws IOException {
        int port = settings.telemetryPort();
        try {
            return TelemetryListener.start(bind, port, inbox);
        } catch (IOException e) {
            if (port == 0) {
                throw e;
            }
            System.err.println("lambdascope: " + AgentSettings.TELEMETRY_PORT + "=" + port + " cannot be bound (" + e
                    + "); using any free port");
            return TelemetryListener.start(bind, 0, inbox);
        }
    }

    private void identify() {
        dispatcher.setIdentity(env.get("AWS_LAMBDA_FUNCTION_NAME"), env.get("AWS_LAMBDA_FUNCTION_VERSION"), account,
                env.get("AWS_REGION"), env.get("AWS_LAMBDA_LOG_STREAM_NAME"));
    }

    private void loop() {
        int failures = 0;
        while (true) {
            byte[] event;
            try {
                event = api.next(id);
                if (failures >= MAX_NEXT_FAILURES) {
                    resume();
                }
                failures = 0;
            } catch (Throwable t) {
                if (++failures == MAX_NEXT_FAILURES) {
                    stop(t);
                }
                // Keep asking: while Lambda counts this extension as registered, an invocation only ends with
                // its next.
                LockSupport.parkNanos(Math.min(1000L, 10L << Math.min(failures, 7)) * 1_000_000L);
                continue;
            }
            try {
                if (!handle(ExtensionEvent.parse(event))) {
                    return;
                }
            } catch (Throwable t) {
                Diagnostics.hookFailed(t);
            }
        }
    }

    /** Handles one event; false when the loop should end (SHUTDOWN, which internal extensions never get). */
    boolean handle(ExtensionEvent e) {
        long start = System.nanoTime();
        long flushTimeout = settings.flushTimeoutMs() * 1_000_000L;
        long safety = DEADLINE_SAFETY_MILLIS * 1_000_000L;
        long deadline = deadlineNanos(e.deadlineMs, start);
        if (e.isShutdown()) {
            flushAndWait(Math.min(start + flushTimeout, deadline - safety));
            return false;
        }
        if (!e.isInvoke() || e.requestId == null) {
            if (!unreadableReported || settings.debug()) {
                unreadableReported = true;
                System.err.println("lambdascope: an Extensions API event without a type or request id; "
                        + "what is queued goes out now, this invocation's span with the next");
            }
            flushAndWait(Math.min(start + flushTimeout, deadline - safety));
            return true;
        }
        invokes++;
        lastRequestId = e.requestId;
        if (invokes == 1) {
            if (account == null) {
                account = Invocations.accountFromArn(e.invokedFunctionArn);
                identify();
            }
            if (flusher != null) {
                flusher.warmUp(start + flushTimeout);
            }
        }
        long finishedBefore = outbox.finishedCount();
        long entriesBefore = Invocations.entries();
        // Armed only with nothing left over in the outbox: the first hand-over the sender sees is this one's.
        if (invokes > 1 && flusher != null && expectsHandOver() && outbox.pending() == 0 && flushWillSend()
                && flusher.arm(flushTimeout, deadline - safety, Thread.currentThread())) {
            return handOverToSender(e.requestId, finishedBefore, entriesBefore, deadline - safety);
        }
        // As long as the handler may run: a span handed over near the deadline gets what time is left, and the
        // watchdog has sent the provisional record before.
        boolean ended = awaitInvocationEnd(e.requestId, finishedBefore, deadline - safety);
        if (!ended && !subscribed && Invocations.entries() == entriesBefore) {
            hookMissed = true; // no hooks ran and nothing else tells us when the runtime is done: stop waiting
        }
        if (invokes == 1 && global) {
            reportIfUninstrumented();
        }
        long flushEnd = Math.min(System.nanoTime() + flushTimeout, deadline - safety);
        if (flusher != null && flusher.requestWithoutWaiting(flushEnd)) {
            return true;
        }
        flushAndWait(flushEnd);
        return true;
    }

    private boolean expectsHandOver() {
        return global ? HandlerStatus.instrumented() && !hookMissed : expectHandOver;
    }

    /** Whether the runtime tells when it posted each response (its client has the hook). */
    boolean postsTold() {
        return global ? Invocations.isResponseHooked() : expectPosts;
    }

    /** Whether the flush at this invocation's end will send (no batch waiting to be due, no open breaker). */
    private boolean flushWillSend() {
        return !dispatcher.certainlyIdle(1);
    }

    /**
     * The invocation's end when the flush will send and the sender is armed: the handler's hand-over wakes the
     * sender, not this thread; the sender encodes, sends and then wakes this thread, which calls {@code next}.
     * The wait is bounded as otherwise: by the flush's own deadline once it started, by {@code end} before.
     * Without a hand-over (the runtime done without the hooks, or the deadline) it goes on as {@link #handle}
     * does otherwise.
     */
    private boolean handOverToSender(String requestId, long finishedBefore, long entriesBefore, long end) {
        Thread self = Thread.currentThread();
        long flushTimeout = settings.flushTimeoutMs() * 1_000_000L;
        outbox.setWaiter(flusher.thread());
        try {
            if (outbox.pending() > 0) {
                LockSupport.unpark(flusher.thread()); // handed over before the outbox could wake the sender
            }
            while (true) {
                long state = flusher.armedFlush(false);
                if (state == FlushThread.DONE) {
                    return true;
                }
                long waitEnd = state == FlushThread.NOT_STARTED ? end : state;
                if (state == FlushThread.NOT_STARTED && subscribed && inbox.runtimeDone(requestId)
                        && flusher.armedFlush(true) == FlushThread.NOT_STARTED) {
                    break; // the runtime is done and handed nothing over
                }
                long left = waitEnd - System.nanoTime();
                if (left <= 0) {
                    if (state != FlushThread.NOT_STARTED || flusher.armedFlush(true) != FlushThread.NOT_STARTED) {
                        return true; // the flush goes on after next (or after the thaw); its data stays buffered
                    }
                    break;
                }
                LockSupport.parkNanos(this, left);
            }
        } finally {
            outbox.setWaiter(self);
        }
        // Disarmed, nothing started: what a hand-over after this point brings goes with the flush below.
        boolean ended = outbox.hasFinished(requestId, finishedBefore)
                || subscribed && inbox.runtimeDone(requestId);
        if (!ended && !subscribed && Invocations.entries() == entriesBefore) {
            hookMissed = true;
        }
        flushAndWait(Math.min(System.nanoTime() + flushTimeout, end));
        return true;
    }

    /**
     * Waits until the handler handed the invocation over, or the platform said the runtime is done with it, or
     * {@code waitEnd}; whether the invocation is known to have ended. Without a subscription and without hooks
     * there is nothing to wait for.
     */
    private boolean awaitInvocationEnd(String requestId, long finishedBefore, long waitEnd) {
        boolean hooks = expectsHandOver();
        while (true) {
            if (outbox.hasFinished(requestId, finishedBefore)) {
                // What follows (next, the flush) waits until the caller has its answer.
                outbox.awaitResponsePosted(Math.min(Outbox.POST_WAIT_NANOS, waitEnd - System.nanoTime()));
                return true;
            }
            if (subscribed && inbox.runtimeDone(requestId)) {
                return true;
            }
            if (!subscribed && !hooks) {
                return false;
            }
            long left = waitEnd - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            LockSupport.parkNanos(this, left);
        }
    }

    private void reportIfUninstrumented() {
        String handler = settings.handler();
        if (handler == null || Invocations.entries() > 0) {
            return;
        }
        String reason = HandlerStatus.reason(handler);
        System.err.println("lambdascope: handler " + handler + " was not instrumented: " + reason
                + "; no spans are recorded (platform events still are)");
        long now = System.currentTimeMillis();
        dispatcher.events().offer(AgentEvents.uninstrumented(handler, reason, now), now);
    }

    private void flushAndWait(long deadline) {
        if (flusher == null) {
            return;
        }
        long ticket = flusher.request(deadline);
        flusher.await(ticket, deadline);
    }

    /** The watchdog fired: send everything buffered (the provisional record too), breaker or not. */
    void flushOnTimeout(long deadlineNanos) {
        dispatcher.flush(deadlineNanos, true, true);
    }

    /**
     * SIGTERM at spin-down, or the runtime's own exit: everything buffered goes out, with the last report (or, before
     * any invocation, the init's report) if it comes in time.
     */
    void shutdownFlush() {
        long start = System.nanoTime();
        long end = start + SHUTDOWN_BUDGET_MILLIS * 1_000_000L;
        try {
            if (flusher != null) {
                flusher.encodeHandedOver(new MemoryProbe());
            }
            String last = lastRequestId;
            if (subscribed && last != null) {
                inbox.awaitReport(last, start + REPORT_WAIT_MILLIS * 1_000_000L);
            } else if (subscribed) {
                // The runtime exits before its first invocation (an init error): how init ended is the news.
                inbox.awaitInitReport(start + REPORT_WAIT_MILLIS * 1_000_000L);
            }
            dispatcher.flush(end, true, true);
        } catch (Throwable t) {
            Diagnostics.hookFailed(t);
        }
    }

    /** The Extensions API keeps failing: spans go out before the handler returns until it answers again. */
    private void stop(Throwable cause) {
        System.err.println("lambdascope: the Extensions API stopped answering (" + cause
                + "); spans are sent before the handler returns until it answers again");
        if (global) {
            Invocations.extensionStopped();
        }
        flushAndWait(System.nanoTime() + settings.flushTimeoutMs() * 1_000_000L);
    }

    private void resume() {
        System.err.println("lambdascope: the Extensions API answers again; spans are sent after the response");
        if (global) {
            Invocations.registrationSettled(outbox, null);
        }
    }

    /**
     * The deadline on the nanoTime scale. Lambda sends epoch milliseconds; AWS's documentation example shows a
     * small number ({@code 676051}), so a value below any plausible epoch is read as the time remaining. Anything
     * else gives Lambda's longest timeout.
     */
    static long deadlineNanos(long deadlineMs, long nowNanos) {
        long remaining;
        if (deadlineMs > 1_000_000_000_000L) {
            remaining = deadlineMs - System.currentTimeMillis();
        } else if (deadlineMs > 0) {
            remaining = deadlineMs;
        } else {
            remaining = LONGEST_INVOCATION_MILLIS;
        }
        remaining = Math.max(0, Math.min(remaining, LONGEST_INVOCATION_MILLIS));
        return nowNanos + remaining * 1_000_000L;
    }

    // For tests that drive one extension without the rest of the agent.

    void expectHandOver(boolean expect) {
        expectHandOver = expect;
    }

    void expectPosts(boolean expect) {
        expectPosts = expect;
    }

    Outbox outbox() {
        return outbox;
    }

    boolean subscribed() {
        return subscribed;
    }

    TelemetryListener listener() {
        return listener;
    }
}
