package io.lambdascope.processor.state;

import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.decode.Telemetry;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Admits each record's function into the registry: past the task's maximum of functions a new name
 * becomes {@code other}; then the registry learns what the record says (an agent span, a joinable
 * platform report, or only that the function exists). Hands the record on under the bounded name.
 */
public final class FunctionRegistryProcessor extends ContextualProcessor<String, Telemetry, String, Telemetry> {
  private final int maxFunctions;
  private final int maxLabelValues;
  private FunctionRegistry functions;
  private LabelBounds bounds;

  public FunctionRegistryProcessor(int maxFunctions, int maxLabelValues) {
    this.maxFunctions = maxFunctions;
    this.maxLabelValues = maxLabelValues;
  }

  @Override
  public void init(ProcessorContext<String, Telemetry> context) {
    super.init(context);
    functions = new FunctionRegistry(context.getStateStore(FunctionRegistry.STORE_NAME));
    bounds = new LabelBounds(context.getStateStore(LabelBounds.STORE_NAME), maxFunctions, maxLabelValues);
  }

  @Override
  public void process(Record<String, Telemetry> record) {
    Telemetry item = record.value();
    String function = bounds.function(item.function());
    if (!function.equals(item.function())) {
      item = item.withFunction(function);
    }
    long now = context().currentSystemTimeMs();
    if (item instanceof InvocationSpan span) {
      functions.spanSeen(function, now, span.timeoutMs(), span.maxMemoryBytes());
    } else if (item instanceof PlatformEvent event) {
      functions.markKnown(function);
      if (event.isJoinableReport()) {
        functions.reportSeen(function, now, event.memorySizeBytes());
      }
    }
    context().forward(record.withKey(function).withValue(item));
  }
}
