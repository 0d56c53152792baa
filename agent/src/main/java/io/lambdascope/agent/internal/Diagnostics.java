package io.lambdascope.agent.internal;

/** The agent's only output: single lines on stderr, rate-limited so a broken collector cannot flood the logs. */
public final class Diagnostics {
    private static volatile boolean hookFailureReported;
    private static volatile boolean exportFailureReported;
    private static volatile boolean debug;

    private Diagnostics() {
    }

    /** {@code LAMBDASCOPE_DEBUG}: report every failure, not only the first of each kind. */
    public static void setDebug(boolean enabled) {
        debug = enabled;
    }

    public static void hookFailed(Throwable t) {
        if (!hookFailureReported || debug) {
            hookFailureReported = true;
            System.err.println("lambdascope: agent error (telemetry may be incomplete): " + t);
        }
    }

    public static void exportFailed(String reason) {
        if (!exportFailureReported || debug) {
            exportFailureReported = true;
            System.err.println("lambdascope: export failed, spans kept for retry or counted as dropped: " + reason);
        }
    }
}
