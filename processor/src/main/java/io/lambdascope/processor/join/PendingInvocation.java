package io.lambdascope.processor.join;

import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * An invocation waiting to be decided: the span records seen so far (the last record of each span
 * id) and the platform report, if any. Held in {@link PendingInvocations}, keyed by function and
 * invocation id.
 */
public record PendingInvocation(long firstSeenWallMs, List<InvocationSpan> spans, PlatformEvent report) {

  public static PendingInvocation of(long nowMs) {
    return new PendingInvocation(nowMs, List.of(), null);
  }

  /** Keeps the last record per span id: a correction replaces the provisional timeout. */
  public PendingInvocation withSpan(InvocationSpan span) {
    List<InvocationSpan> next = new ArrayList<>(spans.size() + 1);
    for (InvocationSpan s : spans) {
      if (!s.deliveryId().equals(span.deliveryId())) {
        next.add(s);
      }
    }
    next.add(span);
    return new PendingInvocation(firstSeenWallMs, List.copyOf(next), report);
  }

  public PendingInvocation withReport(PlatformEvent event) {
    return new PendingInvocation(firstSeenWallMs, spans, event);
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

  public boolean hasReport() {
    return report != null;
  }
}
