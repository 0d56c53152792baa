package io.lambdascope.processor.join;

/**
 * The figures of an invocation that its platform report gives best (or alone), counted once: when
 * the invocation is decided with its report, or when a late report joins it, or when the late
 * report's wait ends without it (then from the span). Numbers not known are NaN or -1.
 *
 * @param coldstart whether the invocation was counted as a cold start (its init duration belongs to it)
 * @param initType the {@code init_type} its cold start was counted under
 * @param memoryBytes peak memory: the report's {@code maxMemoryUsedMB}, else the span's peak RSS
 * @param maxMemoryBytes the configured memory the peak is a share of (and the billed duration is billed at)
 * @param provisioned the invocation ran in a provisioned-concurrency environment (its duration is
 *     priced as provisioned duration)
 * @param timedOut the invocation timed out (its billed duration was spent waiting on the deadline)
 */
public record ReportFigures(
    boolean coldstart,
    String initType,
    double initDurationSeconds,
    long memoryBytes,
    long maxMemoryBytes,
    long billedDurationMs,
    double restoreDurationSeconds,
    boolean provisioned,
    boolean timedOut) {

  /** Only what a report alone knows (billed, restore): for a report whose invocation's other figures are counted. */
  public ReportFigures reportOnly() {
    return new ReportFigures(false, initType, Double.NaN, -1, maxMemoryBytes, billedDurationMs, restoreDurationSeconds,
        provisioned, timedOut);
  }
}
