package io.lambdascope.processor.metrics;

import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.dedup.DuplicateCheck;
import io.lambdascope.processor.dedup.DuplicateKind;
import io.lambdascope.processor.join.DecidedInvocation;
import io.lambdascope.processor.join.JoinOutput;
import io.lambdascope.processor.state.LabelBounds;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Adds each decided invocation to the counters and histograms (docs/telemetry.md section 4), free-
 * form label values bounded per function, and counts every repeated delivery. Hands the record on.
 */
public final class InvocationMetricsProcessor
    extends ContextualProcessor<String, DuplicateCheck, String, DuplicateCheck> {
  private final int maxFunctions;
  private final int maxLabelValues;
  private MetricSeries series;
  private LabelBounds bounds;

  public InvocationMetricsProcessor(int maxFunctions, int maxLabelValues) {
    this.maxFunctions = maxFunctions;
    this.maxLabelValues = maxLabelValues;
  }

  @Override
  public void init(ProcessorContext<String, DuplicateCheck> context) {
    super.init(context);
    series = new MetricSeries(context.getStateStore(MetricSeries.STORE_NAME));
    bounds = new LabelBounds(context.getStateStore(LabelBounds.STORE_NAME), maxFunctions, maxLabelValues);
  }

  @Override
  public void process(Record<String, DuplicateCheck> record) {
    DuplicateCheck check = record.value();
    if (check.joined() instanceof JoinOutput.Decided decided) {
      count(decided.invocation(), decided.span());
    }
    String fn = check.joined().function();
    for (DuplicateKind kind : check.repeats()) {
      series.add(MetricDefs.DUPLICATES.seriesKey(fn, kind.label()), 1);
    }
    context().forward(record);
  }

  private void count(DecidedInvocation inv, InvocationSpan span) {
    String fn = inv.function();
    series.add(MetricDefs.INVOCATIONS.seriesKey(fn, inv.trigger(), inv.outcome()), 1);
    if (inv.coldstart()) {
      series.add(MetricDefs.COLDSTARTS.seriesKey(fn), 1);
      if (!Double.isNaN(inv.initDurationSeconds())) {
        series.observe(MetricDefs.INIT_DURATION, inv.initDurationSeconds(), fn);
      }
    }
    if ("error".equals(inv.outcome())) {
      series.add(MetricDefs.ERRORS.seriesKey(fn, bounds.value(fn, "error_type", inv.errorType())), 1);
    } else if ("timeout".equals(inv.outcome())) {
      series.add(MetricDefs.TIMEOUTS.seriesKey(fn), 1);
    }
    if (!Double.isNaN(inv.durationSeconds())) {
      series.observe(MetricDefs.INVOKE_DURATION, inv.durationSeconds(), fn);
    }
    if (span != null) {
      for (InvocationSpan.DownstreamThrottle t : span.downstreamThrottles()) {
        series.add(MetricDefs.DOWNSTREAM_THROTTLES.seriesKey(
            fn, bounds.value(fn, "service", t.service()), bounds.value(fn, "operation", t.operation())), 1);
      }
    }
  }
}
