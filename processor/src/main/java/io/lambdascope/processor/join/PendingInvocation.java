package io.lambdascope.processor.join;

import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.state.DueQueue;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the {@code invocations} store, in one of two phases. <b>Waiting</b>: the span records
 * seen so far (the last record of each span id) and the platform report, until the invocation is
 * decided. <b>Decided</b>: decided with one half missing that is still expected (the report after a
 * span-only decision, or the span after a report-only one): what the late half needs, until it
 * comes or the late window ends. Changed in place; written at most once per commit.
 */
public final class PendingInvocation {
  static final int SPAN = 1;
  static final int REPORT = 2;

  long firstSeenWallMs;
  /** The latest Kafka record timestamp of its records. */
  long lastRecordMs;
  final List<InvocationSpan> spans = new ArrayList<>(1);
  PlatformEvent report;

  boolean decided;
  long decidedWallMs;
  int missingHalf;
  /** Of a decided entry missing its report: the figures to count when it comes. */
  Deferred deferred;
  /** Of a decided entry missing its span: the time of the report it was decided with. */
  long reportTimeNanos;

  /** Not stored: the 64-bit hash of its request id, made once. */
  long requestHash;
  /** Not stored: where it sits in the wait queue or the late-half queue. */
  DueQueue.Ticket waitTicket;
  DueQueue.Ticket lateTicket;

  PendingInvocation(long firstSeenWallMs) {
    this.firstSeenWallMs = firstSeenWallMs;
  }

  /** A waiting invocation with these records (for tools and tests). */
  public static PendingInvocation waiting(long firstSeenWallMs, long lastRecordMs, List<InvocationSpan> spans,
      PlatformEvent report) {
    PendingInvocation p = new PendingInvocation(firstSeenWallMs);
    p.lastRecordMs = lastRecordMs;
    p.spans.addAll(spans);
    p.report = report;
    return p;
  }

  /** Keeps the last record per span id: a correction replaces the provisional timeout. */
  void addSpan(InvocationSpan span) {
    for (int i = 0; i < spans.size(); i++) {
      if (spans.get(i).deliveryId().equals(span.deliveryId())) {
        spans.set(i, span);
        return;
      }
    }
    spans.add(span);
  }

  /** The span that speaks for the invocation: the latest non-provisional one, else the latest. */
  public InvocationSpan bestSpan() {
    InvocationSpan best = null;
    for (InvocationSpan s : spans) {
      if (best == null || (best.provisional() && !s.provisional()) || best.provisional() == s.provisional()) {
        best = s;
      }
    }
    return best;
  }

  public boolean hasFinalSpan() {
    for (InvocationSpan s : spans) {
      if (!s.provisional()) {
        return true;
      }
    }
    return false;
  }

  public List<InvocationSpan> spans() {
    return spans;
  }

  public PlatformEvent report() {
    return report;
  }

  public boolean hasReport() {
    return report != null;
  }

  public long firstSeenWallMs() {
    return firstSeenWallMs;
  }

  public boolean decided() {
    return decided;
  }

  /** The latest record time of the invocation. */
  long streamTime() {
    return lastRecordMs;
  }

  void recordAt(long recordTimestampMs) {
    lastRecordMs = Math.max(lastRecordMs, recordTimestampMs);
  }

  /** Becomes a decided entry that waits for {@code missing}: its records are dropped. */
  void decidedMissing(int missing, long nowMs, Deferred deferredFigures) {
    decided = true;
    decidedWallMs = nowMs;
    missingHalf = missing;
    deferred = deferredFigures;
    reportTimeNanos = report == null ? 0 : report.timeEpochNanos();
    spans.clear();
    report = null;
  }
}
