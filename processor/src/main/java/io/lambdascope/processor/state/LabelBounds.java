package io.lambdascope.processor.state;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps label values bounded (docs/telemetry.md section 4), remembering in the {@value #STORE_NAME}
 * store which values each function has used: past the limit a new value becomes {@code other}, so
 * no input can grow the series without bound. Every value is cut to {@value #MAX_LABEL_CHARS}
 * characters.
 */
public final class LabelBounds {
  public static final String STORE_NAME = "label-values";
  public static final int MAX_LABEL_CHARS = 128;
  public static final String OTHER = "other";

  private final KeyValueStore<String, Long> store;
  private final int maxFunctions;
  private final int maxLabelValues;

  public LabelBounds(KeyValueStore<String, Long> store, int maxFunctions, int maxLabelValues) {
    this.store = store;
    this.maxFunctions = maxFunctions;
    this.maxLabelValues = maxLabelValues;
  }

  /** The function's name, or {@code other} once the task has seen its maximum of functions. */
  public String function(String function) {
    return bound("", "function", function, maxFunctions);
  }

  /** The value of a free-form label of the function, or {@code other} past its maximum of values. */
  public String value(String function, String label, String value) {
    return bound(function, label, value, maxLabelValues);
  }

  private String bound(String function, String label, String value, int max) {
    String v = value == null || value.isEmpty() ? "unknown" : sanitize(value);
    String valueKey = StoreKeys.join(function, label, v);
    if (store.get(valueKey) != null) {
      return v;
    }
    String countKey = StoreKeys.join(function, label);
    Long count = store.get(countKey);
    long n = count == null ? 0 : count;
    if (n >= max) {
      return OTHER;
    }
    store.put(valueKey, 1L);
    store.put(countKey, n + 1);
    return v;
  }

  /** Label values stay short and free of the store key separator. */
  private static String sanitize(String value) {
    String v = value.length() > MAX_LABEL_CHARS ? value.substring(0, MAX_LABEL_CHARS) : value;
    return v.indexOf(StoreKeys.SEP) < 0 ? v : v.replace(StoreKeys.SEP, ' ');
  }
}
