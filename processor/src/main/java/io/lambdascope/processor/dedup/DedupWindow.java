package io.lambdascope.processor.dedup;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.state.Fingerprint;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The first delivery of each dedup key, in the {@value #STORE_NAME} window store (RocksDB): keyed by
 * a 16-byte fingerprint of function, dedup source and key, valued by a 64-bit hash of the delivery
 * (trace and span id). Each key is filed at the start of the window-long segment its delivery fell
 * in, so a lookup is two point reads (this segment and the one before), never a range scan; whole
 * segments expire by stream time, without tombstones. A key is remembered for at least the dedup
 * window and at most three times it. Bloom filters of each segment's keys ({@link KeyFilters}) spare
 * most lookups of a key never seen the store.
 */
public final class DedupWindow {
  public static final String STORE_NAME = "dedup-window";

  private final WindowStore<Bytes, byte[]> store;
  private final long windowMs;
  private final KeyFilters filters;

  /** Over the task's store, once it is restored: its keys are read once into the filters. */
  public DedupWindow(WindowStore<Bytes, byte[]> store, Duration window) {
    this.store = store;
    this.windowMs = window.toMillis();
    this.filters = new KeyFilters(windowMs, KeyFilters.Budget.PROCESS);
    try (KeyValueIterator<Windowed<Bytes>, byte[]> all = store.all()) {
      while (all.hasNext() && !filters.overflown()) {
        Windowed<Bytes> key = all.next().key;
        filters.add(key.key().get(), key.window().start());
      }
    }
  }

  /** What the window store keeps: two windows, in segments of one window each (Kafka Streams' default split). */
  public static Duration retention(Duration window) {
    return window.multipliedBy(2);
  }

  /** What every key of a function starts with (made once per function by the caller). */
  public static byte[] prefix(FunctionId id) {
    return Fingerprint.prefix(id.tenant(), id.account(), id.region(), id.name());
  }

  public static Bytes key(byte[] prefix, InvocationSpan.DedupRecord r) {
    return Bytes.wrap(Fingerprint.of(prefix, r.source(), r.key()));
  }

  /** The key under which a span without dedup records is remembered: its request id, in a source of its own. */
  public static Bytes deliveryKey(byte[] prefix, String invocationId) {
    return Bytes.wrap(Fingerprint.of(prefix, "", invocationId));
  }

  /** The task is closing: its filters go back to the process's budget. */
  public void close() {
    filters.release();
  }

  /** The first delivery of the key within the window before {@code ts}, or 0 if none. */
  public long firstDelivery(Bytes key, long ts) {
    long segment = Math.floorDiv(ts, windowMs) * windowMs;
    byte[] k = key.get();
    byte[] v = filters.mightContain(k, segment) ? store.fetch(key, segment) : null;
    if (v == null && segment - windowMs >= 0 && filters.mightContain(k, segment - windowMs)) {
      v = store.fetch(key, segment - windowMs);
    }
    return v == null ? 0 : ByteBuffer.wrap(v).getLong();
  }

  public void remember(Bytes key, long deliveryHash, long ts) {
    long segment = Math.floorDiv(ts, windowMs) * windowMs;
    store.put(key, ByteBuffer.allocate(8).putLong(deliveryHash).array(), segment);
    filters.add(key.get(), segment);
  }
}
