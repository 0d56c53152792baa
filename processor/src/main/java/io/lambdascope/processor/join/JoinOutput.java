package io.lambdascope.processor.join;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.InvocationSpan;

/** What the join hands on, keyed by function. */
public sealed interface JoinOutput {
  FunctionId id();

  /** An invocation decided now; {@code span} is the one that speaks for it (null: report only). */
  record Decided(DecidedInvocation invocation, InvocationSpan span) implements JoinOutput {
    @Override
    public FunctionId id() {
      return invocation.id();
    }
  }

  /** A span of an invocation already decided from its platform report alone: not counted again. */
  record LateSpan(InvocationSpan span) implements JoinOutput {
    @Override
    public FunctionId id() {
      return span.id();
    }
  }

  /**
   * The report figures of an invocation decided earlier without them (its report came late, or its
   * late-report window ended): counted now, the invocation itself not again.
   */
  record LateFigures(FunctionId id, ReportFigures figures) implements JoinOutput {}
}
