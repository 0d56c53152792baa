package io.lambdascope.processor.state;

import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Builds an {@link ObjectStore} over a changelogged RocksDB store of the same name. */
public final class ObjectStoreBuilder<K, V> implements StoreBuilder<ObjectStore<K, V>> {
  private final StoreBuilder<KeyValueStore<Bytes, byte[]>> inner;
  private final ObjectStore.Codec<K, V> codec;
  private final Consumer<String> badEntries;

  /**
   * @param topicConfig settings of the changelog topic (on top of Kafka Streams' own)
   * @param badEntries told about each stored entry that cannot be read (it is skipped and dropped)
   */
  public ObjectStoreBuilder(String name, ObjectStore.Codec<K, V> codec, Map<String, String> topicConfig,
      Consumer<String> badEntries) {
    this.inner = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray())
        .withCachingDisabled()
        .withLoggingEnabled(topicConfig);
    this.codec = codec;
    this.badEntries = badEntries;
  }

  /** The store keeps its objects itself; Kafka Streams' record cache would only copy bytes again. */
  @Override
  public StoreBuilder<ObjectStore<K, V>> withCachingEnabled() {
    throw new UnsupportedOperationException("an ObjectStore caches its objects itself");
  }

  @Override
  public StoreBuilder<ObjectStore<K, V>> withCachingDisabled() {
    return this;
  }

  @Override
  public StoreBuilder<ObjectStore<K, V>> withLoggingEnabled(Map<String, String> config) {
    inner.withLoggingEnabled(config);
    return this;
  }

  /** The changelog is what makes it exactly-once: never without. */
  @Override
  public StoreBuilder<ObjectStore<K, V>> withLoggingDisabled() {
    throw new UnsupportedOperationException("an ObjectStore is always changelogged");
  }

  @Override
  public ObjectStore<K, V> build() {
    return new ObjectStore<>(inner.build(), codec, badEntries);
  }

  @Override
  public Map<String, String> logConfig() {
    return inner.logConfig();
  }

  @Override
  public boolean loggingEnabled() {
    return inner.loggingEnabled();
  }

  @Override
  public String name() {
    return inner.name();
  }
}
