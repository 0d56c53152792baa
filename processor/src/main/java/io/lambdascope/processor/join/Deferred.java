package io.lambdascope.processor.join;

/**
 * What a span-only decision leaves for the report it still expects: enough to count the report's
 * figures when it comes, or the span's own when the late-report window ends without it.
 */
public record Deferred(
    boolean coldstart,
    String initType,
    double spanInitDurationSeconds,
    long spanPeakRssBytes,
    long maxMemoryBytes,
    String instance) {}
