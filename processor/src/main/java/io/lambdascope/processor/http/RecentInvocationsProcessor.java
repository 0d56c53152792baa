package io.lambdascope.processor.http;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.join.JoinOutput;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/** The topology's last step: each decided invocation into the ring /api/invocations reads. */
public final class RecentInvocationsProcessor extends ContextualProcessor<FunctionId, JoinOutput, Void, Void> {
  private final RecentInvocations recent;

  public RecentInvocationsProcessor(RecentInvocations recent) {
    this.recent = recent;
  }

  @Override
  public void process(Record<FunctionId, JoinOutput> record) {
    if (record.value() instanceof JoinOutput.Decided decided) {
      recent.add(decided.invocation());
    }
  }
}
