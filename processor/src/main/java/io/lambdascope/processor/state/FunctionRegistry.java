package io.lambdascope.processor.state;

import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The functions a task knows, in the {@value #STORE_NAME} store: what their telemetry said about
 * their configuration, which sources they send, and their counts over the findings window. A
 * function is known from its first record, so its counters can be shown at 0.
 */
public final class FunctionRegistry {
  public static final String STORE_NAME = "functions";

  private final KeyValueStore<String, FunctionState> store;

  public FunctionRegistry(KeyValueStore<String, FunctionState> store) {
    this.store = store;
  }

  /** The function's state; empty for a function not seen yet. */
  public FunctionState get(String function) {
    FunctionState fs = store.get(function);
    return fs == null ? FunctionState.empty() : fs;
  }

  /** Makes the function known, changing nothing about one already known. */
  public void markKnown(String function) {
    if (store.get(function) == null) {
      store.put(function, FunctionState.empty());
    }
  }

  /** An agent span arrived: the function has an agent; its timeout and memory as the span says. */
  public FunctionState spanSeen(String function, long nowMs, long timeoutMs, long maxMemoryBytes) {
    FunctionState fs = get(function).withSpanSeen(nowMs, timeoutMs, maxMemoryBytes);
    store.put(function, fs);
    return fs;
  }

  /** A joinable platform report arrived: the function sends reports; its memory as the report says. */
  public FunctionState reportSeen(String function, long nowMs, long maxMemoryBytes) {
    FunctionState fs = get(function).withReportSeen(nowMs, maxMemoryBytes);
    store.put(function, fs);
    return fs;
  }

  /** Adds to the findings-window counters (see {@link FunctionState#count}). */
  public void count(String function, long nowMs, long windowMs, long memoryBytes, int... counters) {
    store.put(function, get(function).count(nowMs, windowMs, memoryBytes, counters));
  }
}
