package io.lambdascope.processor.findings;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.join.DecidedInvocation;
import io.lambdascope.processor.join.JoinOutput;
import io.lambdascope.processor.join.ReportFigures;
import io.lambdascope.processor.state.FunctionRegistry;
import io.lambdascope.processor.state.FunctionState;
import io.lambdascope.processor.state.TaskState;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts, per function over the findings window, what the findings are made of: invocations, cold
 * starts, timeouts, runs near the timeout or the memory limit (repeated deliveries are counted when
 * they arrive, by the dedup step). Hands the record on.
 */
public final class FindingsWindowProcessor extends ContextualProcessor<FunctionId, JoinOutput, FunctionId, JoinOutput> {
  private final long windowMs;
  private final FunctionRegistry.Settings settings;
  private TaskState state;
  private FunctionRegistry functions;

  public FindingsWindowProcessor(Duration window, FunctionRegistry.Settings settings) {
    this.windowMs = window.toMillis();
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<FunctionId, JoinOutput> context) {
    super.init(context);
    state = TaskState.functions(context, settings);
    functions = state.functions();
  }

  @Override
  public void close() {
    state.detach();
  }

  @Override
  public void process(Record<FunctionId, JoinOutput> record) {
    long now = context().currentSystemTimeMs();
    if (record.value() instanceof JoinOutput.Decided decided) {
      count(functions.touch(decided.id(), now), decided.invocation(), now);
    } else if (record.value() instanceof JoinOutput.LateFigures late) {
      FunctionState fs = functions.touch(late.id(), now);
      countMemory(fs, late.figures(), now);
    }
    context().forward(record);
  }

  private void count(FunctionState fs, DecidedInvocation inv, long now) {
    fs.countInWindow(FunctionState.INVOCATIONS, now, windowMs);
    if (inv.coldstart()) {
      fs.countInWindow(FunctionState.COLDSTARTS, now, windowMs);
    }
    if ("timeout".equals(inv.outcome())) {
      fs.countInWindow(FunctionState.TIMEOUTS, now, windowMs);
      fs.countInWindow(FunctionState.NEAR_TIMEOUT, now, windowMs);
    } else if (inv.timeoutMs() > 0 && inv.durationSeconds() * 1000 >= Findings.NEAR_TIMEOUT_RATIO * inv.timeoutMs()) {
      fs.countInWindow(FunctionState.NEAR_TIMEOUT, now, windowMs);
    }
    if (inv.figures() != null) {
      countMemory(fs, inv.figures(), now);
    }
  }

  private void countMemory(FunctionState fs, ReportFigures f, long now) {
    long maxMemory = f.maxMemoryBytes() > 0 ? f.maxMemoryBytes() : fs.maxMemoryBytes();
    if (maxMemory > 0 && f.memoryBytes() > 0 && f.memoryBytes() >= Findings.NEAR_MEMORY_RATIO * maxMemory) {
      fs.countInWindow(FunctionState.NEAR_MEMORY_LIMIT, now, windowMs);
    }
  }
}
