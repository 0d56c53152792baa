package io.lambdascope.agent.internal.instrumentation;

/**
 * Whether the handler got its hooks, and if not, why: read by the extension at the end of the first invocation,
 * so that a handler the agent never saw (a custom runtime, a typo in {@code _HANDLER}, an inherited method) is
 * reported instead of silently producing no spans.
 */
public final class HandlerStatus {
    private static volatile boolean instrumented;
    private static volatile boolean classSeen;
    private static volatile String problem;

    private HandlerStatus() {
    }

    /** True once a handler method was rewritten. */
    public static boolean instrumented() {
        return instrumented;
    }

    /** Why the handler named {@code handler} has no hooks, for the one stderr line and the event. */
    public static String reason(String handler) {
        String p = problem;
        if (p != null) {
            return p;
        }
        if (instrumented) {
            return "its hooks were never called: the runtime calls another method than " + handler;
        }
        if (classSeen) {
            return "the class does not declare the method: it inherits it from a class loaded before it, or has "
                    + "no public method of that name";
        }
        return "the class was never loaded: a custom runtime, or a misspelt handler name";
    }

    static void rewritten() {
        instrumented = true;
    }

    static void seen() {
        classSeen = true;
    }

    static void failed(String why) {
        problem = why;
    }
}
