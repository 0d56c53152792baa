package io.lambdascope.agent.internal.invocation;

import io.lambdascope.agent.internal.AgentSettings;
import io.lambdascope.agent.internal.AgentVersion;
import io.lambdascope.agent.internal.Deadlines;
import io.lambdascope.agent.internal.Diagnostics;
import io.lambdascope.agent.internal.export.Dispatcher;

/**
 * The agent's one holder of state: which invocation runs on which thread, and whether the extension took over
 * sending. Starts and finishes invocations for the hooks; the watchdog and resource are built on the first
 * invocation (in {@link InvocationRecorder}), the dispatcher on first use, not at JVM start.
 */
public final class Invocations {
    /**
     * How long loading the handler may wait for the extension's registration and Telemetry API subscription (they
     * should take milliseconds).
     */
    static final long REGISTRATION_WAIT_MILLIS = 2_000;

    private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();
    private static final Object REGISTRATION = new Object();

    static volatile AgentSettings settings;
    static volatile long premainEpochMillis = System.currentTimeMillis();
    /** The most recent invocation, for attributing SDK calls made on threads the handler started. */
    static volatile Invocation latest;
    /** Extension mode: finished invocations are handed over here; null in direct mode. */
    static volatile InvocationSink sink;
    /** The account, when the extension's registration told it; otherwise read from the invoked ARN. */
    static volatile String accountId;
    /** Whether the runtime's client tells when it posted a response ({@link #responsePosted}). */
    static volatile boolean responseHooked;
    /** Handler entries so far (outermost calls): lets the extension tell an uninstrumented handler. */
    static volatile long entries;
    private static boolean registrationPending;
    private static Dispatcher dispatcher;

    private Invocations() {
    }

    /** Called by the premain; the settings are read once, from the environment. */
    public static void configure(AgentSettings agentSettings) {
        settings = agentSettings;
        premainEpochMillis = System.currentTimeMillis();
        Diagnostics.setDebug(agentSettings.debug());
    }

    /** The settings the premain read (tests that call hooks directly get the environment's). */
    public static AgentSettings settings() {
        AgentSettings s = settings;
        if (s == null) {
            s = AgentSettings.from(System.getenv());
            settings = s;
        }
        return s;
    }

    /** The one dispatcher of this JVM, built on first use. */
    public static synchronized Dispatcher dispatcher() {
        if (dispatcher == null) {
            dispatcher = new Dispatcher(settings());
        }
        return dispatcher;
    }

    /** The agent's version (a constant written in at build time). */
    public static String agentVersion() {
        return AgentVersion.VALUE;
    }

    /** The premain started the extension's set-up; the handler's loading waits for it (bounded). */
    public static void registrationStarted() {
        synchronized (REGISTRATION) {
            registrationPending = true;
        }
    }

    /**
     * The extension registered and tried to subscribe ({@code extensionSink} takes the finished invocations from
     * now on), or gave up registering (null: direct mode stays).
     */
    public static void registrationSettled(InvocationSink extensionSink, String account) {
        if (account != null) {
            accountId = account;
        }
        sink = extensionSink;
        synchronized (REGISTRATION) {
            registrationPending = false;
            REGISTRATION.notifyAll();
        }
    }

    /** The runtime interface client got its hook: each response it posts is told to the extension. */
    public static void responseHooked() {
        responseHooked = true;
    }

    /** Whether the runtime's posting of each response is told ({@link #responsePosted}). */
    public static boolean isResponseHooked() {
        return responseHooked;
    }

    /** The runtime posted an invocation's response or error (called on its thread). */
    public static void responsePosted() {
        InvocationSink s = sink;
        if (s != null) {
            s.responsePosted();
        }
    }

    /** Back to direct mode: the extension stopped. */
    public static void extensionStopped() {
        sink = null;
    }

    /** Waits, at most {@link #REGISTRATION_WAIT_MILLIS}, for the extension set-up the premain started. */
    public static void awaitRegistration() {
        synchronized (REGISTRATION) {
            long end = System.nanoTime() + REGISTRATION_WAIT_MILLIS * 1_000_000L;
            while (registrationPending) {
                if (!Deadlines.waitOn(REGISTRATION, end)) {
                    return;
                }
            }
        }
    }

    /** Handler entries so far in this JVM. */
    public static long entries() {
        return entries;
    }

    /** The account id, once known (from the registration or the first invocation's ARN), else null. */
    public static String accountId() {
        return accountId;
    }

    /** The account field of {@code arn:aws:lambda:<region>:<account>:function:<name>}, or null. */
    public static String accountFromArn(String arn) {
        if (arn == null || !arn.startsWith("arn:")) {
            return null;
        }
        int from = 0;
        for (int field = 0; field < 4; field++) {
            from = arn.indexOf(':', from) + 1;
            if (from == 0) {
                return null;
            }
        }
        int to = arn.indexOf(':', from);
        return to > from ? arn.substring(from, to) : null;
    }

    public static void enter(Object input, Object output, Object context) {
        Invocation current = CURRENT.get();
        if (current != null) {
            current.depth++;
            return;
        }
        long startNanos = System.nanoTime();
        Invocation inv = new Invocation(Thread.currentThread(), context, Clock.epochNanos(startNanos), startNanos);
        inv.output = output;
        CURRENT.set(inv);
        entries++;
        InvocationRecorder.get().start(inv, input);
        latest = inv;
    }

    public static void exit(Object result, Throwable thrown) {
        Invocation inv = CURRENT.get();
        if (inv == null) {
            return;
        }
        if (inv.depth > 0) {
            inv.depth--;
            return;
        }
        CURRENT.set(null);
        InvocationRecorder.get().finish(inv, result, thrown);
    }

    /** The invocation of this thread, else the most recent one (threads the handler started), else null. */
    public static Invocation attributionTarget() {
        Invocation inv = CURRENT.get();
        return inv != null ? inv : latest;
    }
}
