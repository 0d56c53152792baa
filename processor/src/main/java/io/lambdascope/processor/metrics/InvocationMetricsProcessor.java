package io.lambdascope.processor.metrics;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.join.DecidedInvocation;
import io.lambdascope.processor.join.JoinOutput;
import io.lambdascope.processor.join.ReportFigures;
import io.lambdascope.processor.state.FunctionRegistry;
import io.lambdascope.processor.state.FunctionState;
import io.lambdascope.processor.state.TaskState;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Adds each decided invocation to its function's counters and histograms (docs/telemetry.md
 * section 4), free-form label values bounded per function; adds report figures when they come (with
 * the decision, or late); prices them and adds each invocation's interval to its function's
 * concurrency windows. Hands the record on.
 */
public final class InvocationMetricsProcessor
    extends ContextualProcessor<FunctionId, JoinOutput, FunctionId, JoinOutput> {
  private final FunctionRegistry.Settings settings;
  private final CostSettings cost;
  private final long windowMs;
  private final long latenessMs;
  private TaskState state;
  private FunctionRegistry functions;

  public InvocationMetricsProcessor(FunctionRegistry.Settings settings, CostSettings cost) {
    this.settings = settings;
    this.cost = cost;
    this.windowMs = cost.concurrencyWindow().toMillis();
    this.latenessMs = cost.concurrencyLateness().toMillis();
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
    JoinOutput out = record.value();
    FunctionState fs = functions.touch(out.id(), context().currentSystemTimeMs());
    if (out instanceof JoinOutput.Decided decided) {
      count(fs, decided.invocation(), decided.span());
    } else if (out instanceof JoinOutput.LateSpan late) {
      countDownstreamThrottles(fs, late.span());
    } else if (out instanceof JoinOutput.LateFigures late) {
      addFigures(fs, late.figures());
    }
    context().forward(record);
  }

  private void count(FunctionState fs, DecidedInvocation inv, InvocationSpan span) {
    fs.countInvocation(inv.trigger(), inv.outcome());
    if (inv.coldstart()) {
      fs.countColdstart(inv.initType());
    }
    if ("error".equals(inv.outcome())) {
      fs.countError(functions.label(fs, FunctionState.ERROR_TYPE, inv.errorType()),
          functions.label(fs, FunctionState.VERSION, inv.version()));
    } else if ("timeout".equals(inv.outcome())) {
      fs.countTimeout();
    }
    fs.countRequest(cost.architecture(fs), cost.requestUsd());
    if (!Double.isNaN(inv.durationSeconds())) {
      // The interval ends at the decision's timestamp (the span's end, else the report's time).
      long end = inv.timestampMs();
      fs.addExecution(end - Math.round(inv.durationSeconds() * 1000), end, windowMs, latenessMs);
      fs.observeInvokeDuration(inv.durationSeconds());
      if (inv.timeoutMs() > 0) {
        fs.observeTimeoutRatio(inv.durationSeconds() * 1000 / inv.timeoutMs());
      }
    }
    countDownstreamThrottles(fs, span);
    if (inv.figures() != null) {
      addFigures(fs, inv.figures());
    }
  }

  private void countDownstreamThrottles(FunctionState fs, InvocationSpan span) {
    if (span == null) {
      return;
    }
    for (InvocationSpan.DownstreamThrottle t : span.downstreamThrottles()) {
      fs.countDownstreamThrottle(functions.label(fs, FunctionState.SERVICE, t.service()),
          functions.label(fs, FunctionState.OPERATION, t.operation()));
    }
  }

  private void addFigures(FunctionState fs, ReportFigures f) {
    if (f.coldstart() && !Double.isNaN(f.initDurationSeconds())) {
      fs.observeInitDuration(f.initType(), f.initDurationSeconds());
    }
    if (f.billedDurationMs() >= 0) {
      fs.addBilledDuration(f.billedDurationMs());
      long memory = f.maxMemoryBytes() > 0 ? f.maxMemoryBytes() : fs.maxMemoryBytes();
      if (memory > 0) {
        int arch = cost.architecture(fs);
        int component = f.provisioned() ? FunctionState.COST_PROVISIONED_DURATION : FunctionState.COST_DURATION;
        fs.addBilledMemoryTime(arch, f.billedDurationMs(), memory, component, cost.price(arch, component));
      }
      if (f.timedOut()) {
        fs.addTimeoutBilled(f.billedDurationMs());
      }
    }
    if (!Double.isNaN(f.restoreDurationSeconds())) {
      fs.observeRestoreDuration(f.restoreDurationSeconds());
    }
    if (f.memoryBytes() > 0) {
      fs.observeMemory(f.memoryBytes(), f.maxMemoryBytes() > 0 ? f.maxMemoryBytes() : fs.maxMemoryBytes());
    }
  }
}
