package io.lambdascope.processor.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DedupWindowTest {
  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final long NOW = 1_000_000L;
  private WindowStore<Bytes, byte[]> store;

  @BeforeEach
  void store() {
    store = Stores.windowStoreBuilder(
            Stores.inMemoryWindowStore(DedupWindow.STORE_NAME, DedupWindow.retention(WINDOW), WINDOW, false),
            Serdes.Bytes(), Serdes.ByteArray())
        .withLoggingDisabled()
        .withCachingDisabled()
        .build();
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static Bytes key(int i) {
    return Bytes.wrap(ByteBuffer.allocate(16).putLong(i * 0x9E3779B97F4A7C15L).putLong(~i * 0xC2B2AE3D27D4EB4FL).array());
  }

  @Test
  void aTaskStartsAtOnceAndKnowsEveryKeyWhileItsFiltersAreStillBeingRead() {
    DedupWindow before = new DedupWindow(store, WINDOW);
    int filed = 10 * DedupWindow.LOAD_STEP;
    for (int i = 0; i < filed; i++) {
      before.remember(key(i), 100 + i, NOW - i);
    }
    before.close();

    DedupWindow window = new DedupWindow(store, WINDOW); // a restart: the store holds every key
    assertFalse(window.filtering(), "the filters cover the store's keys only once all are read");
    for (int i = 0; i < filed; i++) {
      assertEquals(100 + i, window.firstDelivery(key(i), NOW), "key " + i + " filed before the restart");
    }
    assertTrue(window.filtering(), "every key read after as many lookups");
    int found = 0;
    for (int i = filed; i < filed + 10_000; i++) {
      found += window.firstDelivery(key(i), NOW) == 0 ? 0 : 1;
    }
    assertEquals(0, found, "keys never filed");
    for (int i = 0; i < filed; i++) {
      assertEquals(100 + i, window.firstDelivery(key(i), NOW), "key " + i + " through the filters");
    }
    window.close();
  }

  @Test
  void aKeyFiledWhileTheStoreIsStillBeingReadIsKnown() {
    DedupWindow before = new DedupWindow(store, WINDOW);
    for (int i = 0; i < 3 * DedupWindow.LOAD_STEP; i++) {
      before.remember(key(i), 1, NOW);
    }
    before.close();
    DedupWindow window = new DedupWindow(store, WINDOW);
    window.remember(key(-1), 7, NOW);
    assertEquals(1, window.firstDelivery(key(0), NOW));
    while (!window.filtering()) {
      window.firstDelivery(key(1), NOW);
    }
    assertEquals(7, window.firstDelivery(key(-1), NOW));
    window.close();
  }
}
