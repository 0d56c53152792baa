package io.lambdascope.processor.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * An invocation waiting to be finalized: the span records seen so far (the last record of each
 * span id) and the platform report, if any. Stored in the pending store, keyed by function and
 * invocation id.
 */
public record Pending(long firstSeenWallMs, List<SpanFragment> spans, PlatformEvent report) {

  public static Pending of(long nowMs) {
    return new Pending(nowMs, List.of(), null);
  }

  /** Keeps the last record per span id: a correction replaces the provisional timeout. */
  public Pending withSpan(SpanFragment span) {
    List<SpanFragment> next = new ArrayList<>(spans.size() + 1);
    for (SpanFragment s : spans) {
      if (!s.deliveryId().equals(span.deliveryId())) {
        next.add(s);
      }
    }
    next.add(span);
    return new Pending(firstSeenWallMs, List.copyOf(next), report);
  }

  public Pending withReport(PlatformEvent event) {
    return new Pending(firstSeenWallMs, spans, event);
  }

  /** The span that speaks for the invocation: the latest non-provisional one, else the latest. */
  public SpanFragment bestSpan() {
    SpanFragment best = null;
    for (SpanFragment s : spans) {
      if (best == null || (best.provisional() && !s.provisional()) || best.provisional() == s.provisional()) {
        best = s;
      }
    }
    return best;
  }

  public boolean hasFinalSpan() {
    for (SpanFragment s : spans) {
      if (!s.provisional()) {
        return true;
      }
    }
    return false;
  }

  public boolean hasReport() {
    return report != null;
  }
}
