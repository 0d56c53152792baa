package io.lambdascope.processor.join;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * What made up each decided invocation, in the {@value #STORE_NAME} window store, so that late
 * records of it are absorbed instead of counted again. Kept for {@link #RETENTION} of stream time.
 */
public final class FinalizedInvocations {
  public static final String STORE_NAME = "finalized-invocations";
  /** How long a decided invocation absorbs late records (a late report, a late correction). */
  public static final Duration RETENTION = Duration.ofHours(1);

  private final WindowStore<String, FinalizedMarker> store;

  public FinalizedInvocations(WindowStore<String, FinalizedMarker> store) {
    this.store = store;
  }

  /** Everything recorded for the invocation within the retention before {@code ts}; null if nothing. */
  public FinalizedMarker find(String key, long ts) {
    List<String> ids = new ArrayList<>();
    boolean found = false;
    boolean hadReport = false;
    long from = Math.max(0, ts - RETENTION.toMillis());
    try (WindowStoreIterator<FinalizedMarker> it = store.fetch(key, from, Long.MAX_VALUE)) {
      while (it.hasNext()) {
        FinalizedMarker m = it.next().value;
        found = true;
        ids.addAll(m.deliveryIds());
        hadReport |= m.hadReport();
      }
    }
    return found ? new FinalizedMarker(ids, hadReport) : null;
  }

  public void put(String key, FinalizedMarker marker, long ts) {
    store.put(key, marker, ts);
  }
}
