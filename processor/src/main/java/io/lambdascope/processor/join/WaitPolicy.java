package io.lambdascope.processor.join;

import io.lambdascope.processor.state.FunctionState;
import java.time.Duration;

/**
 * When a pending invocation is decided (docs/processor.md "Deciding an invocation"): at once when
 * nothing more is worth waiting for, else after the report wait, or the timeout grace for a
 * provisional timeout alone.
 */
final class WaitPolicy {
  /** A function whose agent (or Telemetry API) has been silent this long no longer makes us wait. */
  static final long SOURCE_SILENCE_MS = 3_600_000L;

  private final long reportWaitMs;
  private final long timeoutGraceMs;
  /** Waits count from here at the earliest: restored entries get a full wait for their re-read other half. */
  private final long taskStartWallMs;

  WaitPolicy(Duration reportWait, Duration timeoutGrace, long taskStartWallMs) {
    this.reportWaitMs = reportWait.toMillis();
    this.timeoutGraceMs = timeoutGrace.toMillis();
    this.taskStartWallMs = taskStartWallMs;
  }

  static boolean hasAgent(FunctionState fs, long now) {
    return fs != null && fs.lastSpanMs() > 0 && now - fs.lastSpanMs() < SOURCE_SILENCE_MS;
  }

  static boolean sendsReports(FunctionState fs, long now) {
    return fs != null && fs.lastReportMs() > 0 && now - fs.lastReportMs() < SOURCE_SILENCE_MS;
  }

  /** Whether nothing more is worth waiting for, now that a record arrived. */
  boolean completeOnArrival(PendingInvocation p, FunctionState fs, long now) {
    if (p.hasReport() && (!p.spans().isEmpty() || !hasAgent(fs, now))) {
      return true;
    }
    return p.hasFinalSpan() && !sendsReports(fs, now);
  }

  /** When the invocation is decided at the latest: after the report wait, or the grace for a provisional timeout alone. */
  long dueAt(PendingInvocation p) {
    long from = Math.max(p.firstSeenWallMs(), taskStartWallMs);
    return from + (p.hasFinalSpan() || p.hasReport() ? reportWaitMs : timeoutGraceMs);
  }
}
