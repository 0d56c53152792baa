package io.lambdascope.processor.metrics;

import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.decode.Telemetry;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts what a single record says on its own, before any join: the spans an agent reports it
 * dropped, and invocations the platform refused ({@code lambdascope.throttle}). Hands every record on.
 */
public final class RecordMetricsProcessor extends ContextualProcessor<String, Telemetry, String, Telemetry> {
  private MetricSeries series;

  @Override
  public void init(ProcessorContext<String, Telemetry> context) {
    super.init(context);
    series = new MetricSeries(context.getStateStore(MetricSeries.STORE_NAME));
  }

  @Override
  public void process(Record<String, Telemetry> record) {
    Telemetry item = record.value();
    if (item instanceof InvocationSpan span && span.droppedSpans() > 0) {
      series.add(MetricDefs.DROPPED_SPANS.seriesKey(span.function()), span.droppedSpans());
    } else if (item instanceof PlatformEvent event && event.isThrottle()) {
      series.add(MetricDefs.THROTTLES.seriesKey(event.function()), 1);
    }
    context().forward(record);
  }
}
