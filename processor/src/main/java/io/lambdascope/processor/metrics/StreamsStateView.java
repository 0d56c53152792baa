package io.lambdascope.processor.metrics;

import io.lambdascope.processor.state.FunctionRegistry;
import io.lambdascope.processor.state.FunctionState;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive queries over the active tasks of a running {@link KafkaStreams}. While the
 * application rebalances or restores, a store may be unavailable: the scrape then leaves its series
 * out rather than show numbers another replica also shows.
 */
public final class StreamsStateView implements StateView {
  private static final Logger log = LoggerFactory.getLogger(StreamsStateView.class);
  private final KafkaStreams streams;

  public StreamsStateView(KafkaStreams streams) {
    this.streams = streams;
  }

  @Override
  public void forEachSeries(BiConsumer<String, byte[]> consumer) {
    forEach(MetricSeries.STORE_NAME, consumer);
  }

  @Override
  public void forEachFunction(BiConsumer<String, FunctionState> consumer) {
    forEach(FunctionRegistry.STORE_NAME, consumer);
  }

  private <V> void forEach(String storeName, BiConsumer<String, V> consumer) {
    try {
      ReadOnlyKeyValueStore<String, V> store = streams.store(
          StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<String, V>keyValueStore()));
      try (KeyValueIterator<String, V> it = store.all()) {
        while (it.hasNext()) {
          KeyValue<String, V> kv = it.next();
          consumer.accept(kv.key, kv.value);
        }
      }
    } catch (InvalidStateStoreException e) {
      log.debug("store {} not queryable now: {}", storeName, e.getMessage());
    }
  }
}
