package io.lambdascope.processor.metrics;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.decode.Telemetry;
import io.lambdascope.processor.state.Environments;
import io.lambdascope.processor.state.FunctionRegistry;
import io.lambdascope.processor.state.FunctionState;
import io.lambdascope.processor.state.TaskState;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts what a single record says on its own, before any join: spans and events agents report
 * they dropped, invocations the platform refused ({@code lambdascope.throttle}), environments whose
 * init failed and environments that ran uninstrumented (each once per environment). Hands every
 * record on.
 */
public final class RecordMetricsProcessor extends ContextualProcessor<FunctionId, Telemetry, FunctionId, Telemetry> {
  private final FunctionRegistry.Settings settings;
  private TaskState state;
  private FunctionRegistry functions;
  private Environments environments;

  public RecordMetricsProcessor(FunctionRegistry.Settings settings) {
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<FunctionId, Telemetry> context) {
    super.init(context);
    state = TaskState.functionsAndEnvironments(context, settings);
    functions = state.functions();
    environments = state.environments();
  }

  @Override
  public void close() {
    state.detach();
  }

  @Override
  public void process(Record<FunctionId, Telemetry> record) {
    Telemetry item = record.value();
    if (item instanceof InvocationSpan span) {
      if (span.droppedSpans() > 0 || span.droppedEvents() > 0) {
        FunctionState fs = functions.touch(span.id(), context().currentSystemTimeMs());
        fs.countDroppedSpans(Math.max(0, span.droppedSpans()));
        fs.countDroppedEvents(Math.max(0, span.droppedEvents()));
      }
    } else if (item instanceof PlatformEvent event) {
      long now = context().currentSystemTimeMs();
      if (event.isThrottle()) {
        functions.touch(event.id(), now).countThrottle();
      } else if (event.isFailedInit() && environments.firstInitFailure(event.id(), event, now)) {
        FunctionState fs = functions.touch(event.id(), now);
        fs.countInitFailure(functions.label(fs, FunctionState.INIT_ERROR_TYPE, event.errorType()));
      } else if (event.isUninstrumented() && environments.firstUninstrumented(event.id(), event, now)) {
        functions.touch(event.id(), now).countUninstrumented();
      }
    }
    context().forward(record);
  }
}
