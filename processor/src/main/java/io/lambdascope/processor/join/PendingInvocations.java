package io.lambdascope.processor.join;

import io.lambdascope.processor.state.StoreKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Invocations waiting for their other half, in the {@value #STORE_NAME} store, keyed by function
 * and invocation id. An entry lives from its first record until its invocation is decided: at most
 * the report wait or the timeout grace, plus one punctuation.
 */
public final class PendingInvocations {
  public static final String STORE_NAME = "pending-invocations";

  private final KeyValueStore<String, PendingInvocation> store;

  public PendingInvocations(KeyValueStore<String, PendingInvocation> store) {
    this.store = store;
  }

  public static String key(String function, String invocationId) {
    return StoreKeys.join(function, invocationId);
  }

  public static String functionOf(String key) {
    return StoreKeys.split(key)[0];
  }

  public PendingInvocation get(String key) {
    return store.get(key);
  }

  /** The whole entry is written again with each record of its invocation. */
  public void put(String key, PendingInvocation pending) {
    store.put(key, pending);
  }

  public void delete(String key) {
    store.delete(key);
  }

  /** The entries the predicate calls due; visits every pending entry. */
  public List<KeyValue<String, PendingInvocation>> due(BiPredicate<String, PendingInvocation> isDue) {
    List<KeyValue<String, PendingInvocation>> due = new ArrayList<>();
    try (KeyValueIterator<String, PendingInvocation> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, PendingInvocation> kv = it.next();
        if (isDue.test(kv.key, kv.value)) {
          due.add(kv);
        }
      }
    }
    return due;
  }
}
