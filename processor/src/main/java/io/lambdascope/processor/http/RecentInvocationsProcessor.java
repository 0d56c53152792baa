package io.lambdascope.processor.http;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.join.DecidedInvocation;
import io.lambdascope.processor.join.JoinOutput;
import io.lambdascope.processor.state.Publication;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The topology's last step: each decided invocation into the ring /api/invocations reads, once the
 * transaction that decided it has committed. Those of an aborted transaction are dropped: the task
 * decides them again when it re-processes its records, so the ring never holds one twice and needs
 * no index of what it holds.
 */
public final class RecentInvocationsProcessor extends ContextualProcessor<FunctionId, JoinOutput, Void, Void> {
  private final RecentInvocations recent;
  private final Publication publication;
  /** What this task decided in the open transaction, or null when nothing yet. */
  private Batch batch;

  public RecentInvocationsProcessor(RecentInvocations recent, Publication publication) {
    this.recent = recent;
    this.publication = publication;
  }

  @Override
  public void process(Record<FunctionId, JoinOutput> record) {
    if (record.value() instanceof JoinOutput.Decided decided) {
      if (batch == null || batch.done) {
        batch = new Batch();
        batch.invocations.add(decided.invocation());
        publication.whenDone(batch);
      } else {
        batch.invocations.add(decided.invocation());
      }
    }
  }

  /** One task's invocations of one transaction. */
  private final class Batch implements Publication.Outcome {
    final List<DecidedInvocation> invocations = new ArrayList<>();
    boolean done;

    @Override
    public void committed() {
      done = true;
      recent.addAll(invocations);
    }

    @Override
    public void aborted() {
      done = true;
    }
  }
}
