package io.lambdascope.processor.dedup;

import io.lambdascope.processor.join.JoinOutput;
import java.util.List;

/** A join output with the repeated deliveries among its span's records: one kind per repeated record. */
public record DuplicateCheck(JoinOutput joined, List<DuplicateKind> repeats) {
  /** The kind of the last repeated record (what /api/invocations shows); null when none repeated. */
  public DuplicateKind lastRepeat() {
    return repeats.isEmpty() ? null : repeats.get(repeats.size() - 1);
  }
}
