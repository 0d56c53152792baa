package io.lambdascope.processor.state;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.InputMeters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The functions one task knows, over the {@value #STORE_NAME} store: admits new ones up to the bound
 * (past it they are their tenant's {@code other}), bounds their label values, forgets those not seen
 * for the function TTL (visiting only the due ones, through a time index), and publishes each
 * commit's changes for /metrics once the transaction has committed. One per task, shared by the
 * task's processors.
 */
public final class FunctionRegistry implements ObjectStore.FlushListener<FunctionId, FunctionState> {
  public static final String STORE_NAME = "function-state";
  private static final long INDEX_BUCKET_MS = 60_000;

  /** What a registry needs, the same for every task. */
  public record Settings(int maxFunctions, int maxLabelValues, Duration ttl, InputMeters meters,
      Publication publication, PublishedFunctions published) {}

  private final ObjectStore<FunctionId, FunctionState> store;
  private final Settings settings;
  private final long ttlMs;
  private final TimeIndex<FunctionId> bySeen = new TimeIndex<>(INDEX_BUCKET_MS);
  private final PublishedFunctions.View view;
  private Map<FunctionId, FunctionState> unpublished = new HashMap<>();
  private int admitted;
  /** The functions by tenant and name, to place records that do not tell their account or region. */
  private final Map<List<String>, List<FunctionId>> byName = new HashMap<>();
  /** Where records of an identity with an unknown part go, as last resolved (cleared when functions come or go). */
  private final Map<FunctionId, FunctionId> resolved = new HashMap<>();

  private FunctionRegistry(ObjectStore<FunctionId, FunctionState> store, Settings settings) {
    this.store = store;
    this.settings = settings;
    this.ttlMs = settings.ttl().toMillis();
    this.view = settings.published().open();
    Map<FunctionId, FunctionState> loaded = new HashMap<>();
    store.forEach((id, fs) -> {
      fs.indexedBucket = bySeen.file(id, TimeIndex.NONE, fs.lastSeenMs());
      byName.computeIfAbsent(List.of(id.tenant(), id.name()), k -> new ArrayList<>(1)).add(id);
      if (!id.isFolded()) {
        admitted++;
      }
      loaded.put(id, fs.copy());
    });
    // What was restored is what the changelog committed: shown at once.
    view.apply(loaded);
    store.listener(this);
  }

  /** The task's registry; the processor using it calls {@link ObjectStore#detach()} when closed. */
  public static FunctionRegistry attach(ObjectStore<FunctionId, FunctionState> store, Settings settings) {
    store.attach();
    return store.shared(s -> new FunctionRegistry(s, settings));
  }

  /**
   * The function a record is counted under: itself when known or when the task has room, else its
   * tenant's {@code other} (counted in {@code lambdascope_processor_folded_total{kind="function"}}).
   */
  public FunctionId admit(FunctionId id, long nowMs) {
    if (id.hasUnknownPart()) {
      id = resolve(id);
    }
    FunctionId known = store.key(id);
    if (known != null) {
      return known; // the store's own instance: later lookups compare by identity
    }
    if (!id.isFolded() && admitted < settings.maxFunctions()) {
      admitted++;
      create(id, nowMs);
      return id;
    }
    settings.meters().folded("function");
    FunctionId other = id.folded();
    FunctionId knownOther = store.key(other);
    if (knownOther != null) {
      return knownOther;
    }
    create(other, nowMs);
    return other;
  }

  private void create(FunctionId id, long nowMs) {
    FunctionState fs = new FunctionState();
    fs.seen(nowMs);
    fs.indexedBucket = bySeen.file(id, TimeIndex.NONE, nowMs);
    store.put(id, fs);
    byName.computeIfAbsent(List.of(id.tenant(), id.name()), k -> new ArrayList<>(1)).add(id);
    resolved.clear();
  }

  /**
   * A record that does not tell its account or region (a platform event relayed without them, a span
   * without an ARN) belongs to the one function of its tenant and name this task knows with them,
   * when there is exactly one: so its span and its report meet. With none or several, it is counted
   * as it is, with {@code unknown} parts.
   */
  private FunctionId resolve(FunctionId id) {
    FunctionId r = resolved.get(id);
    if (r == null) {
      r = id;
      FunctionId match = null;
      for (FunctionId candidate : byName.getOrDefault(List.of(id.tenant(), id.name()), List.of())) {
        if (!candidate.hasUnknownPart() && id.couldBe(candidate)) {
          if (match != null) {
            match = null; // two could be it: it stays unknown
            break;
          }
          match = candidate;
        }
      }
      if (match != null) {
        r = match;
      }
      resolved.put(id, r);
    }
    return r;
  }

  /** The state of an admitted function, seen now: to be changed in place by the caller. */
  public FunctionState touch(FunctionId id, long nowMs) {
    FunctionState fs = store.get(id);
    if (fs == null) {
      id = admit(id, nowMs);
      fs = store.get(id);
    }
    fs.seen(nowMs);
    fs.indexedBucket = bySeen.file(id, fs.indexedBucket, fs.lastSeenMs());
    store.changed(id);
    return fs;
  }

  /** The function's state was changed in place without it being seen (a punctuation): write it at the next commit. */
  public void changed(FunctionId id) {
    store.changed(id);
  }

  /** The state of a function, or null if the task does not know it (no change, no write). */
  public FunctionState peek(FunctionId id) {
    return store.get(id);
  }

  /**
   * A free-form label value of the function ({@link FunctionState#ERROR_TYPE}, ...), or {@code other}
   * past its bound (counted in {@code lambdascope_processor_folded_total{kind="label_value"}}).
   */
  public String label(FunctionState fs, int label, String value) {
    String admitted = fs.admitLabel(label, FunctionId.part(value), settings.maxLabelValues());
    if (admitted == null) {
      settings.meters().folded("label_value");
      return FunctionId.OTHER;
    }
    return admitted;
  }

  /** Forgets the functions not seen for the TTL: their entry, series and label values; their slot is free again. */
  public int expireDue(long nowMs) {
    return bySeen.expireUpTo(nowMs - ttlMs, id -> {
      FunctionState fs = store.get(id);
      if (fs == null || fs.lastSeenMs() + ttlMs > nowMs) {
        return false;
      }
      bySeen.remove(id, fs.indexedBucket);
      store.remove(id);
      if (!id.isFolded()) {
        admitted--;
      }
      List<FunctionId> same = byName.get(List.of(id.tenant(), id.name()));
      if (same != null && same.remove(id) && same.isEmpty()) {
        byName.remove(List.of(id.tenant(), id.name()));
      }
      resolved.clear();
      return true;
    });
  }

  @Override
  public void flushed(FunctionId key, FunctionState value) {
    unpublished.put(key, value == null ? null : value.copy());
  }

  @Override
  public void flushEnded() {
    if (unpublished.isEmpty()) {
      return;
    }
    Map<FunctionId, FunctionState> changes = unpublished;
    unpublished = new HashMap<>();
    settings.publication().whenCommitted(() -> view.apply(changes));
  }

  @Override
  public void unloaded() {
    settings.published().close(view);
  }
}
