package io.lambdascope.processor.http;

import io.lambdascope.processor.dedup.DuplicateCheck;
import io.lambdascope.processor.dedup.DuplicateKind;
import io.lambdascope.processor.join.JoinOutput;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/** The topology's last step: each decided invocation, with the kind of its last repeat, into the ring /api/invocations reads. */
public final class RecentInvocationsProcessor extends ContextualProcessor<String, DuplicateCheck, Void, Void> {
  private final RecentInvocations recent;

  public RecentInvocationsProcessor(RecentInvocations recent) {
    this.recent = recent;
  }

  @Override
  public void process(Record<String, DuplicateCheck> record) {
    if (record.value().joined() instanceof JoinOutput.Decided decided) {
      DuplicateKind kind = record.value().lastRepeat();
      recent.add(kind == null ? decided.invocation() : decided.invocation().withDuplicateKind(kind.label()));
    }
  }
}
