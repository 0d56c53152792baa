package io.lambdascope.processor.dedup;

import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.state.StoreKeys;
import java.time.Duration;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The first delivery (trace and span id) of each dedup key, per function and dedup source, in the
 * {@value #STORE_NAME} window store for the dedup window of stream time; expiry is by segment.
 */
public final class DedupKeys {
  public static final String STORE_NAME = "dedup-keys";

  private final WindowStore<String, String> store;
  private final long windowMs;

  public DedupKeys(WindowStore<String, String> store, Duration window) {
    this.store = store;
    this.windowMs = window.toMillis();
  }

  public static String key(String function, InvocationSpan.DedupRecord r) {
    return StoreKeys.join(function, r.source(), r.key());
  }

  /**
   * Whether this delivery repeats an earlier, different one within the window. The first delivery
   * is remembered; the same delivery again (a timeout and its correction) is no repeat.
   */
  public boolean isRepeat(String function, InvocationSpan.DedupRecord r, String deliveryId, long ts) {
    String key = key(function, r);
    long from = Math.max(0, ts - windowMs);
    boolean seen = false;
    boolean other = false;
    try (WindowStoreIterator<String> it = store.fetch(key, from, Long.MAX_VALUE)) {
      while (it.hasNext()) {
        seen = true;
        if (!it.next().value.equals(deliveryId)) {
          other = true;
        }
      }
    }
    if (!seen) {
      store.put(key, deliveryId, ts);
    }
    return other;
  }
}
