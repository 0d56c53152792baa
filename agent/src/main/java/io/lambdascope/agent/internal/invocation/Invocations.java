package io.lambdascope.agent.internal.invocation;

import io.lambdascope.agent.internal.AgentSettings;
import io.lambdascope.agent.internal.Diagnostics;

/**
 * The agent's one holder of state: which invocation runs on which thread. Starts and finishes invocations for
 * the hooks; the exporter, watchdog and resource are built on the first invocation (in
 * {@link InvocationRecorder}), not at JVM start.
 */
public final class Invocations {
    private static final ThreadLocal<Invocation> CURRENT = new ThreadLocal<>();

    static volatile AgentSettings settings;
    static volatile long premainEpochMillis = System.currentTimeMillis();
    /** The most recent invocation, for attributing SDK calls made on threads the handler started. */
    static volatile Invocation latest;

    private Invocations() {
    }

    /** Called by the premain; the settings are read once, from the environment. */
    public static void configure(AgentSettings agentSettings) {
        settings = agentSettings;
        premainEpochMillis = System.currentTimeMillis();
        Diagnostics.setDebug(agentSettings.debug());
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
