package io.lambdascope.processor.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyFiltersTest {
  private static final long WINDOW = 1000;

  private static byte[] key(Random r) {
    byte[] k = new byte[16];
    r.nextBytes(k);
    return k;
  }

  @Test
  void neverSaysAbsentOfAKeyFiledAndRarelyMaybeOfOneNeverFiled() {
    KeyFilters f = new KeyFilters(WINDOW, new KeyFilters.Budget(32));
    Random r = new Random(3);
    List<byte[]> filed = new ArrayList<>();
    for (int i = 0; i < KeyFilters.KEYS_PER_FILTER + 10_000; i++) { // a second filter in the segment
      byte[] k = key(r);
      f.add(k, 5 * WINDOW);
      filed.add(k);
    }
    for (byte[] k : filed) {
      assertTrue(f.mightContain(k, 5 * WINDOW));
    }
    int maybe = 0;
    for (int i = 0; i < 100_000; i++) {
      byte[] k = key(r);
      assertFalse(f.mightContain(k, 4 * WINDOW), "a segment with nothing filed");
      maybe += f.mightContain(k, 5 * WINDOW) ? 1 : 0;
    }
    assertTrue(maybe < 1_000, "false maybe: " + maybe);
  }

  @Test
  void segmentsLeftBehindAndOverflowSendEveryLookupToTheStore() {
    KeyFilters f = new KeyFilters(WINDOW, new KeyFilters.Budget(32));
    Random r = new Random(4);
    byte[] old = key(r);
    f.add(old, 0);
    f.add(key(r), 3 * WINDOW); // segments before 1 * WINDOW are no longer tracked
    assertTrue(f.mightContain(old, 0));
    assertTrue(f.mightContain(key(r), 0), "untracked: looked up in the store");
    assertFalse(f.mightContain(key(r), 2 * WINDOW));
    f.add(key(r), 0); // a late key of an untracked segment changes nothing
    assertFalse(f.overflown());

    KeyFilters.Budget budget = new KeyFilters.Budget(4);
    KeyFilters full = new KeyFilters(WINDOW, budget);
    for (int s = 0; s < 4; s++) {
      full.add(key(r), 3 * WINDOW + s % 2 * WINDOW);
      for (int i = 1; i < KeyFilters.KEYS_PER_FILTER; i++) {
        full.add(key(r), 3 * WINDOW + s % 2 * WINDOW);
      }
    }
    assertFalse(full.overflown());
    full.add(key(r), 3 * WINDOW);
    full.add(key(r), 4 * WINDOW);
    assertEquals(true, full.overflown());
    assertTrue(full.mightContain(key(r), 4 * WINDOW));
    KeyFilters next = new KeyFilters(WINDOW, budget); // the overflown one gave its filters back
    next.add(key(r), 0);
    assertFalse(next.overflown());
    assertFalse(next.mightContain(key(r), 0));
  }
}
