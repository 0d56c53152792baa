package io.lambdascope.processor.dedup;

import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.join.JoinOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Looks up each dedup record of a joined span in the dedup window (at the record's stream time) and
 * hands the join output on with the repeats it found.
 */
public final class DuplicateDetector extends ContextualProcessor<String, JoinOutput, String, DuplicateCheck> {
  private final Duration window;
  private DedupKeys keys;

  public DuplicateDetector(Duration window) {
    this.window = window;
  }

  @Override
  public void init(ProcessorContext<String, DuplicateCheck> context) {
    super.init(context);
    keys = new DedupKeys(context.getStateStore(DedupKeys.STORE_NAME), window);
  }

  @Override
  public void process(Record<String, JoinOutput> record) {
    InvocationSpan span = record.value().span();
    List<DuplicateKind> repeats = List.of();
    if (span != null && !span.records().isEmpty()) {
      repeats = new ArrayList<>(1);
      for (InvocationSpan.DedupRecord r : span.records()) {
        if (keys.isRepeat(span.function(), r, span.deliveryId(), record.timestamp())) {
          repeats.add(DuplicateKind.of(r));
        }
      }
    }
    context().forward(record.withValue(new DuplicateCheck(record.value(), repeats)));
  }
}
