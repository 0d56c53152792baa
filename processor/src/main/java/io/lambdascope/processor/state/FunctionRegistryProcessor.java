package io.lambdascope.processor.state;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.decode.Telemetry;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Admits each record's function into the registry (past the task's bound it is counted as its
 * tenant's {@code other}), records what the record says about the function (an agent span, a
 * joinable platform report) and about its environment (init events), and hands the record on
 * under the admitted function, unless it is a platform event nothing further uses (such as
 * platform.start or platform.runtimeDone). Its punctuator forgets functions and environments whose
 * time is up.
 */
public final class FunctionRegistryProcessor extends ContextualProcessor<FunctionId, Telemetry, FunctionId, Telemetry> {
  private final FunctionRegistry.Settings settings;
  private TaskState state;
  private FunctionRegistry functions;
  private Environments environments;

  public FunctionRegistryProcessor(FunctionRegistry.Settings settings) {
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<FunctionId, Telemetry> context) {
    super.init(context);
    state = TaskState.functionsAndEnvironments(context, settings);
    functions = state.functions();
    environments = state.environments();
    long every = Math.max(1_000, Math.min(60_000, settings.ttl().toMillis() / 4));
    context.schedule(Duration.ofMillis(every), PunctuationType.WALL_CLOCK_TIME, now -> {
      functions.expireDue(now);
      environments.expireDue(now);
    });
  }

  @Override
  public void process(Record<FunctionId, Telemetry> record) {
    Telemetry item = record.value();
    long now = context().currentSystemTimeMs();
    FunctionId id = functions.admit(item.id(), now);
    FunctionState fs = functions.touch(id, now);
    if (item instanceof InvocationSpan span) {
      fs.spanSeen(now, span.timeoutMs(), span.maxMemoryBytes());
      fs.architectureSeen(FunctionState.architectureIndex(span.architecture()));
    } else if (item instanceof PlatformEvent event) {
      if (event.isJoinableReport()) {
        fs.reportSeen(now, event.memorySizeBytes());
      } else if (event.isInitEvent()) {
        environments.initEvent(id, event, now);
      }
      if (!event.usedDownstream()) {
        return;
      }
    }
    if (id != item.id()) {
      item = item.withId(id); // the registry's own instance: later lookups compare by identity
      record = record.withKey(id).withValue(item);
    }
    context().forward(record); // keyed by its item's function already (decode-spans, decode-logs)
  }

  @Override
  public void close() {
    state.detach();
  }
}
