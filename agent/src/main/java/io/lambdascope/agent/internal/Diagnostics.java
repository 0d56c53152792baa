package io.lambdascope.agent.internal;

/** The agent's only output: single lines on stderr, rate-limited so a broken collector cannot flood the logs. */
final class Diagnostics {
    private static volatile boolean hookFailureReported;
    private static volatile boolean exportFailureReported;
    static volatile boolean debug;

    private Diagnostics() {
    }

    static void hookFailed(Throwable t) {
        if (!hookFailureReported || debug) {
            hookFailureReported = true;
            System.err.println("lambdascope: agent error (telemetry may be incomplete): " + t);
        }
    }

    static void exportFailed(String reason) {
        if (!exportFailureReported || debug) {
            exportFailureReported = true;
            System.err.println("lambdascope: export failed, spans kept for retry or counted as dropped: " + reason);
        }
    }
}
