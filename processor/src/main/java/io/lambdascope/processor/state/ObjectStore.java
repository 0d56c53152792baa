package io.lambdascope.processor.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A changelogged key-value store whose values live on the heap as objects, read and changed in
 * place by the task's processors, and written out — encoded once, to RocksDB and the changelog — at
 * most once per commit, when Kafka Streams flushes its caches right before committing the
 * transaction. An entry created and removed between two commits costs no write at all; a removal
 * of one never written costs no tombstone.
 *
 * <p>Underneath is an ordinary Kafka Streams RocksDB store with logging (restored from the
 * changelog, checkpointed on clean shutdown); this class registers itself as that store's root, and
 * implements Kafka Streams' {@code CachedStateStore} so the task's pre-commit cache flush reaches it.
 * The objects are loaded when the task's processors first attach (after restoration) and dropped
 * when the last one detaches (the task is suspended or closed): a standby task only restores bytes.
 *
 * <p>Used by one stream thread only (the task's).
 */
public final class ObjectStore<K, V> implements StateStore, CachedStateStore<K, V> {
  /** Keys and values to and from their stored bytes; {@code value(bytes)} throws on bytes it cannot read. */
  public interface Codec<K, V> {
    byte[] key(K key);

    K key(byte[] bytes);

    byte[] value(V value);

    V value(byte[] bytes);
  }

  /** Told what each flush wrote (a null value: removed), so it can publish it once committed. */
  public interface FlushListener<K, V> {
    void flushed(K key, V value);

    void flushEnded();

    /** The objects were dropped (task suspended, closed or reset): nothing of it may be shown any more. */
    void unloaded();
  }

  private static final class Slot<K, V> {
    K key;
    V value;
    boolean persisted;
    boolean dirty;
  }

  private record Dirty<K, V>(K key, Slot<K, V> slot) {}

  private final KeyValueStore<Bytes, byte[]> inner;
  private final Codec<K, V> codec;
  private final Consumer<String> badEntries;
  private final Map<K, Slot<K, V>> slots = new HashMap<>();
  private final List<Dirty<K, V>> dirty = new ArrayList<>();
  private boolean loaded;
  private int users;
  private Object shared;
  private FlushListener<K, V> listener;

  ObjectStore(KeyValueStore<Bytes, byte[]> inner, Codec<K, V> codec, Consumer<String> badEntries) {
    this.inner = inner;
    this.codec = codec;
    this.badEntries = badEntries;
  }

  /** A processor of the task starts using the store: the first one loads the objects. */
  public void attach() {
    users++;
    if (!loaded) {
      load();
    }
  }

  /** A processor of the task is closed: once all are, the objects are dropped after the next flush. */
  public void detach() {
    users = Math.max(0, users - 1);
  }

  /**
   * The one helper of this kind for the loaded store (an index, a registry), created on first use by
   * any processor of the task and dropped with the objects.
   */
  @SuppressWarnings("unchecked")
  public <T> T shared(Function<ObjectStore<K, V>, T> factory) {
    if (shared == null) {
      shared = factory.apply(this);
    }
    return (T) shared;
  }

  public void listener(FlushListener<K, V> listener) {
    this.listener = listener;
  }

  public V get(K key) {
    Slot<K, V> s = slots.get(key);
    return s == null ? null : s.value;
  }

  /** The key instance the store holds for {@code key} (equal keys share it from then on), or null. */
  public K key(K key) {
    Slot<K, V> s = slots.get(key);
    return s == null ? null : s.key;
  }

  public void put(K key, V value) {
    Slot<K, V> s = slots.get(key);
    if (s == null) {
      s = new Slot<>();
      s.key = key;
      slots.put(key, s);
    }
    s.value = value;
    mark(key, s);
  }

  /** The value of {@code key} was changed in place: write it at the next flush. */
  public void changed(K key) {
    Slot<K, V> s = slots.get(key);
    if (s != null) {
      mark(key, s);
    }
  }

  public void remove(K key) {
    Slot<K, V> s = slots.remove(key);
    if (s != null) {
      s.value = null;
      if (s.persisted) {
        mark(key, s);
      }
    }
  }

  public int size() {
    return slots.size();
  }

  public void forEach(BiConsumer<K, V> consumer) {
    slots.forEach((k, s) -> consumer.accept(k, s.value));
  }

  private void mark(K key, Slot<K, V> s) {
    if (!s.dirty) {
      s.dirty = true;
      dirty.add(new Dirty<>(key, s));
    }
  }

  private void load() {
    slots.clear();
    dirty.clear();
    List<Bytes> unreadable = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = inner.all()) {
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        try {
          K key = codec.key(kv.key.get());
          Slot<K, V> s = new Slot<>();
          s.key = key;
          s.value = codec.value(kv.value);
          s.persisted = true;
          slots.put(key, s);
        } catch (RuntimeException e) {
          unreadable.add(kv.key);
          badEntries.accept(name() + ": " + e.getMessage());
        }
      }
    }
    // An entry no version can read is dropped for good, so it is counted once.
    unreadable.forEach(k -> inner.put(k, null));
    loaded = true;
  }

  private void unload() {
    slots.clear();
    dirty.clear();
    loaded = false;
    shared = null;
    if (listener != null) {
      FlushListener<K, V> l = listener;
      listener = null;
      l.unloaded();
    }
  }

  /** Kafka Streams' pre-commit flush: every changed entry goes to RocksDB and the changelog, once. */
  @Override
  public void flushCache() {
    for (Dirty<K, V> d : dirty) {
      Slot<K, V> s = d.slot();
      s.dirty = false;
      if (s.value == null) {
        if (s.persisted) {
          inner.put(Bytes.wrap(codec.key(d.key())), null);
          s.persisted = false;
          if (listener != null) {
            listener.flushed(d.key(), null);
          }
        }
      } else {
        inner.put(Bytes.wrap(codec.key(d.key())), codec.value(s.value));
        s.persisted = true;
        if (listener != null) {
          listener.flushed(d.key(), s.value);
        }
      }
    }
    dirty.clear();
    if (listener != null) {
      listener.flushEnded();
    }
    if (loaded && users == 0) {
      unload();
    }
  }

  /** Uncommitted changes are being thrown away: the objects are reloaded from the store when next used. */
  @Override
  public void clearCache() {
    unload();
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<K, V> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    slots.clear();
    dirty.clear();
    loaded = false;
    users = 0;
    shared = null;
    listener = null;
    inner.init(context, this);
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    flushCache();
    inner.commit(changelogOffsets);
  }

  @Override
  public Long committedOffset(TopicPartition partition) {
    return inner.committedOffset(partition);
  }

  @Override
  public boolean managesOffsets() {
    return inner.managesOffsets();
  }

  @Override
  public void close() {
    unload();
    inner.close();
  }

  @Override
  public boolean persistent() {
    return inner.persistent();
  }

  @Override
  public boolean isOpen() {
    return inner.isOpen();
  }

  @Override
  public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
    return inner.query(query, positionBound, config);
  }

  @Override
  public Position getPosition() {
    return inner.getPosition();
  }

  @Override
  public long approximateNumUncommittedBytes() {
    return inner.approximateNumUncommittedBytes();
  }
}
