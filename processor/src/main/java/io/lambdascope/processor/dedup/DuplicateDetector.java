package io.lambdascope.processor.dedup;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.Telemetry;
import io.lambdascope.processor.state.Fingerprint;
import io.lambdascope.processor.state.FunctionRegistry;
import io.lambdascope.processor.state.FunctionState;
import io.lambdascope.processor.state.TaskState;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Checks each arriving span's dedup records against the dedup window, once per delivery: a key seen
 * first with another delivery is a repeat, counted at once
 * ({@code lambdascope_duplicates_total{kind}}, the findings window); a key whose first delivery is
 * this very one marks the span as a delivery seen before, which the join absorbs unless it corrects
 * a waiting invocation. New keys are remembered. A span without dedup records (the OpenTelemetry
 * agent's) is checked under its request id instead, for the delivery only: never a repeat. Hands
 * every record on, spans marked.
 */
public final class DuplicateDetector extends ContextualProcessor<FunctionId, Telemetry, FunctionId, Telemetry> {
  private final Duration window;
  private final Duration findingsWindow;
  private final FunctionRegistry.Settings registrySettings;
  private TaskState state;
  private FunctionRegistry functions;
  private DedupWindow keys;
  /** Each function's key prefix, made once (the ids are the registry's own instances). */
  private final Map<FunctionId, byte[]> prefixes = new HashMap<>();

  public DuplicateDetector(Duration window, Duration findingsWindow, FunctionRegistry.Settings registrySettings) {
    this.window = window;
    this.findingsWindow = findingsWindow;
    this.registrySettings = registrySettings;
  }

  @Override
  public void init(ProcessorContext<FunctionId, Telemetry> context) {
    super.init(context);
    state = TaskState.functions(context, registrySettings);
    functions = state.functions();
    keys = new DedupWindow(context.getStateStore(DedupWindow.STORE_NAME), window);
  }

  @Override
  public void close() {
    keys.close();
    state.detach();
  }

  @Override
  public void process(Record<FunctionId, Telemetry> record) {
    if (!(record.value() instanceof InvocationSpan span)) {
      context().forward(record);
      return;
    }
    long delivery = Fingerprint.hash64(span.deliveryId());
    long ts = record.timestamp();
    if (prefixes.size() > 100_000) {
      prefixes.clear(); // functions come and go: never more than the registry's bound for long
    }
    byte[] prefix = prefixes.computeIfAbsent(span.id(), DedupWindow::prefix);
    if (span.records().isEmpty()) {
      Bytes key = DedupWindow.deliveryKey(prefix, span.invocationId());
      long first = keys.firstDelivery(key, ts);
      if (first == 0) {
        keys.remember(key, delivery, ts);
      } else if (first == delivery) {
        record = record.withValue(span.withCheck(null, true));
      }
      context().forward(record);
      return;
    }
    boolean known = false;
    DuplicateKind last = null;
    FunctionState fs = null;
    for (InvocationSpan.DedupRecord r : span.records()) {
      Bytes key = DedupWindow.key(prefix, r);
      long first = keys.firstDelivery(key, ts);
      if (first == 0) {
        keys.remember(key, delivery, ts);
      } else if (first == delivery) {
        known = true;
      } else {
        last = DuplicateKind.of(r);
        if (fs == null) {
          fs = functions.touch(span.id(), context().currentSystemTimeMs());
        }
        fs.countDuplicate(last.ordinal());
      }
    }
    if (fs != null) {
      fs.countInWindow(FunctionState.DUPLICATES, context().currentSystemTimeMs(), findingsWindow.toMillis());
    }
    if (known || last != null) {
      record = record.withValue(span.withCheck(last == null ? null : last.label(), known));
    }
    context().forward(record);
  }
}
