package io.lambdascope.processor.state;

import io.lambdascope.processor.decode.FunctionId;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * What /metrics and /api/findings read: per active task, copies of its functions' state as of the
 * task's last committed transaction. Written by the stream threads, read by the HTTP threads.
 */
public final class PublishedFunctions {
  /** One task's published functions; closed when the task stops being active here. */
  public static final class View {
    private final Map<FunctionId, FunctionState> functions = new ConcurrentHashMap<>();
    private volatile boolean open = true;

    /** Applies one commit's changes (a null value: the function is gone). */
    void apply(Map<FunctionId, FunctionState> changes) {
      if (!open) {
        return;
      }
      changes.forEach((id, fs) -> {
        if (fs == null) {
          functions.remove(id);
        } else {
          functions.put(id, fs);
        }
      });
    }
  }

  private final Set<View> views = ConcurrentHashMap.newKeySet();

  /** Functions published as they are given (for tools and tests that render state without a topology). */
  public static PublishedFunctions of(Map<FunctionId, FunctionState> functions) {
    PublishedFunctions p = new PublishedFunctions();
    p.open().apply(functions);
    return p;
  }

  View open() {
    View v = new View();
    views.add(v);
    return v;
  }

  void close(View v) {
    v.open = false;
    views.remove(v);
    v.functions.clear();
  }

  /**
   * Every published function once; the rare function two tasks keep (its records keyed two ways)
   * as the sum of both.
   */
  public void forEach(BiConsumer<FunctionId, FunctionState> consumer) {
    Map<FunctionId, FunctionState> all = new HashMap<>();
    for (View v : views) {
      v.functions.forEach((id, fs) -> all.merge(id, fs, FunctionState::plus));
    }
    all.forEach(consumer);
  }
}
