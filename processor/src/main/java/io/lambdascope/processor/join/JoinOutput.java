package io.lambdascope.processor.join;

import io.lambdascope.processor.decode.InvocationSpan;

/**
 * What the join hands on, keyed by function and invocation id, with the stream time its dedup keys
 * are filed under as the record timestamp.
 */
public sealed interface JoinOutput {
  String function();

  /** The span whose dedup records are checked; null for an invocation known only from its report. */
  InvocationSpan span();

  /** An invocation decided now; {@code span} is the one that speaks for it. */
  record Decided(DecidedInvocation invocation, InvocationSpan span) implements JoinOutput {
    @Override
    public String function() {
      return invocation.function();
    }
  }

  /**
   * A span of an invocation already decided from its platform report alone: not counted again, but
   * it carries the dedup keys, which must still be remembered and checked.
   */
  record LateSpan(InvocationSpan span) implements JoinOutput {
    @Override
    public String function() {
      return span.function();
    }
  }
}
