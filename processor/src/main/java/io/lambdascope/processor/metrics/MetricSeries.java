package io.lambdascope.processor.metrics;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Every counter and histogram series the stream derives, in the {@value #STORE_NAME} store, kept
 * for as long as the application's state: keyed by {@link MetricDefs#seriesKey}, valued as {@link
 * SeriesValues} encodes them. /metrics reads the same store through interactive queries.
 */
public final class MetricSeries {
  public static final String STORE_NAME = "metric-series";

  private final KeyValueStore<String, byte[]> store;

  public MetricSeries(KeyValueStore<String, byte[]> store) {
    this.store = store;
  }

  public void add(String seriesKey, long delta) {
    store.put(seriesKey, SeriesValues.counter(SeriesValues.counterValue(store.get(seriesKey)) + delta));
  }

  public void observe(MetricDefs metric, double value, String... labelValues) {
    String key = metric.seriesKey(labelValues);
    double[] bounds = metric.buckets();
    SeriesValues.Histogram h = SeriesValues.Histogram.decode(store.get(key), bounds.length);
    store.put(key, h.observe(value, bounds).encode());
  }
}
