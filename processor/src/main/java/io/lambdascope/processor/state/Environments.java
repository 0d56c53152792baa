package io.lambdascope.processor.state;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.PlatformEvent;
import java.time.Duration;

/**
 * The execution environments one task has heard of, over the {@value #STORE_NAME} store, keyed by
 * function and {@code faas.instance}: how each was initialized (for its cold start's
 * {@code init_type} and init duration), and whether its init failure or its
 * {@code lambdascope.uninstrumented} was counted already (once per environment). An entry lives
 * {@link #RETENTION} after the environment was last heard of (Lambda recycles environments within
 * hours), at most {@link #MAX_PER_TASK} per task, oldest dropped first.
 */
public final class Environments {
  public static final String STORE_NAME = "environments";
  public static final Duration RETENTION = Duration.ofHours(6);
  public static final int MAX_PER_TASK = 100_000;
  private static final long INDEX_BUCKET_MS = 60_000;

  /** An environment of a function. */
  public record Key(FunctionId id, String instance) {}

  /** What the platform said about one environment. */
  public static final class State {
    String initType;
    double initDurationMs = Double.NaN;
    boolean initFailureCounted;
    boolean uninstrumentedCounted;
    long lastSeenMs;
    long indexedBucket = TimeIndex.NONE;

    /** initializationType of its init events; null if none said. */
    public String initType() {
      return initType;
    }

    /** The init phase's duration from its {@code platform.initReport}; NaN if none came. */
    public double initDurationMs() {
      return initDurationMs;
    }
  }

  private final ObjectStore<Key, State> store;
  private final TimeIndex<Key> bySeen = new TimeIndex<>(INDEX_BUCKET_MS);

  private Environments(ObjectStore<Key, State> store) {
    this.store = store;
    store.forEach((k, s) -> s.indexedBucket = bySeen.file(k, TimeIndex.NONE, s.lastSeenMs));
  }

  public static Environments attach(ObjectStore<Key, State> store) {
    store.attach();
    return store.shared(Environments::new);
  }

  /** What is known about the environment, or null (no instance, or never heard of). */
  public State get(FunctionId id, String instance) {
    return instance == null ? null : store.get(new Key(id, instance));
  }

  private State touch(Key key, long nowMs) {
    State s = store.get(key);
    if (s == null) {
      s = new State();
      store.put(key, s);
      if (bySeen.size() >= MAX_PER_TASK) {
        bySeen.expireOldest(1, this::drop);
      }
    }
    s.lastSeenMs = Math.max(s.lastSeenMs, nowMs);
    s.indexedBucket = bySeen.file(key, s.indexedBucket, s.lastSeenMs);
    store.changed(key);
    return s;
  }

  /** Learns from an init event (initStart, initRuntimeDone, initReport) of the environment. */
  public void initEvent(FunctionId id, PlatformEvent e, long nowMs) {
    if (e.instance() == null) {
      return;
    }
    State s = touch(new Key(id, e.instance()), nowMs);
    if (e.initType() != null) {
      s.initType = e.initType();
    }
    if (PlatformEvent.INIT_REPORT.equals(e.type()) && !Double.isNaN(e.durationMs())) {
      s.initDurationMs = e.durationMs();
    }
  }

  /**
   * Whether this init failure is the environment's first to count: the first failing initRuntimeDone
   * or initReport of an environment; without an instance, each failing initReport (never its
   * initRuntimeDone, which would count the same init twice).
   */
  public boolean firstInitFailure(FunctionId id, PlatformEvent e, long nowMs) {
    if (e.instance() == null) {
      return PlatformEvent.INIT_REPORT.equals(e.type());
    }
    State s = touch(new Key(id, e.instance()), nowMs);
    if (s.initFailureCounted) {
      return false;
    }
    s.initFailureCounted = true;
    return true;
  }

  /** Whether this is the environment's first {@code lambdascope.uninstrumented} (each counts without an instance). */
  public boolean firstUninstrumented(FunctionId id, PlatformEvent e, long nowMs) {
    if (e.instance() == null) {
      return true;
    }
    State s = touch(new Key(id, e.instance()), nowMs);
    if (s.uninstrumentedCounted) {
      return false;
    }
    s.uninstrumentedCounted = true;
    return true;
  }

  /** Forgets environments not heard of for {@link #RETENTION}. */
  public int expireDue(long nowMs) {
    long cutoff = nowMs - RETENTION.toMillis();
    return bySeen.expireUpTo(cutoff, k -> {
      State s = store.get(k);
      return s != null && s.lastSeenMs <= cutoff && drop(k);
    });
  }

  private boolean drop(Key k) {
    State s = store.get(k);
    if (s == null) {
      return false;
    }
    bySeen.remove(k, s.indexedBucket);
    store.remove(k);
    return true;
  }

  public static final ObjectStore.Codec<Key, State> CODEC = new ObjectStore.Codec<>() {
    @Override
    public byte[] key(Key key) {
      Bin.Writer w = new Bin.Writer(96);
      Codecs.write(w, key.id());
      w.str(key.instance());
      return w.toBytes();
    }

    @Override
    public Key key(byte[] bytes) {
      Bin.Reader r = new Bin.Reader(bytes);
      return new Key(Codecs.readId(r), r.str());
    }

    @Override
    public byte[] value(State s) {
      return new Bin.Writer(32).u8(1).str(s.initType).f64(s.initDurationMs).bool(s.initFailureCounted)
          .bool(s.uninstrumentedCounted).var(s.lastSeenMs).toBytes();
    }

    @Override
    public State value(byte[] bytes) {
      Bin.Reader r = new Bin.Reader(bytes);
      int version = r.u8();
      if (version != 1) {
        throw new IllegalArgumentException("unknown environment encoding " + version);
      }
      State s = new State();
      s.initType = r.str();
      s.initDurationMs = r.f64();
      s.initFailureCounted = r.bool();
      s.uninstrumentedCounted = r.bool();
      s.lastSeenMs = r.var();
      return s;
    }
  };
}
