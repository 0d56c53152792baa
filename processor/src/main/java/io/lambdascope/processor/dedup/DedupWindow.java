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
  /**
   * The store's keys not yet read into the filters, or null once all are: a task starts at once (a day of keys
   * can be millions) and reads {@value #LOAD_STEP} of them per lookup; until it has read them all, every lookup
   * goes to the store.
   */
  private KeyValueIterator<Windowed<Bytes>, byte[]> loading;

  static final int LOAD_STEP = 64;

  /** Over the task's store, once it is restored: its keys are read into the filters a few per lookup. */
  public DedupWindow(WindowStore<Bytes, byte[]> store, Duration window) {
    this.store = store;
    this.windowMs = window.toMillis();
    this.filters = new KeyFilters(windowMs, KeyFilters.Budget.PROCESS);
    this.loading = store.all();
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
    stopLoading();
    filters.release();
  }

  /** Whether the filters cover every key of the store (after reading a few more of them if not yet). */
  boolean filtering() {
    if (loading == null) {
      return true;
    }
    try {
      for (int i = 0; i < LOAD_STEP && !filters.overflown(); i++) {
        if (!loading.hasNext()) {
          stopLoading();
          return !filters.overflown();
        }
        Windowed<Bytes> key = loading.next().key;
        filters.add(key.key().get(), key.window().start());
      }
    } catch (RuntimeException e) {
      filters.overflow(); // the store changed under the reader (a segment expired): this task does without filters
    }
    if (filters.overflown()) {
      stopLoading();
    }
    return false;
  }

  private void stopLoading() {
    if (loading != null) {
      loading.close();
      loading = null;
    }
  }

  /** The first delivery of the key within the window before {@code ts}, or 0 if none. */
  public long firstDelivery(Bytes key, long ts) {
    long segment = Math.floorDiv(ts, windowMs) * windowMs;
    byte[] k = key.get();
    boolean filtering = filtering();
    byte[] v = !filtering || filters.mightContain(k, segment) ? store.fetch(key, segment) : null;
    if (v == null && segment - windowMs >= 0 && (!filtering || filters.mightContain(k, segment - windowMs))) {
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
