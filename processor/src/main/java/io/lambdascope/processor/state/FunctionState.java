package io.lambdascope.processor.state;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the processor keeps about one function, in one entry of the {@code function-state}
 * store: what its telemetry says about its configuration, which sources it sends, the label values
 * it has used (bounded), the counts over the findings window, the invocations decided last, and
 * every counter and histogram series of docs/telemetry.md section 4. Changed in place by the task's
 * processors; a copy ({@link #copy()}) is what /metrics reads once committed.
 */
public final class FunctionState {
  public static final List<String> TRIGGERS = List.of("http", "pubsub", "datasource", "timer", "other");
  public static final List<String> OUTCOMES = List.of("success", "error", "timeout");
  public static final List<String> INIT_TYPES = List.of("on-demand", "provisioned-concurrency", "snap-start", "unknown");
  /** Values of {@code kind} on the duplicates counter, in the order {@code DuplicateKind} declares them. */
  public static final List<String> DUPLICATE_KINDS = List.of("redelivery", "retry", "replay");
  /** Values of {@code architecture}: Lambda's names of its instruction sets. */
  public static final List<String> ARCHITECTURES = List.of("x86_64", "arm64");
  /** Values of {@code component} on the cost counter, in this order. */
  public static final List<String> COST_COMPONENTS = List.of("requests", "duration", "provisioned_duration");
  public static final int COST_REQUESTS = 0;
  public static final int COST_DURATION = 1;
  public static final int COST_PROVISIONED_DURATION = 2;

  public static final double[] INVOKE_DURATION_BUCKETS =
      {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300, 900};
  public static final double[] INIT_DURATION_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10};
  public static final double[] RESTORE_DURATION_BUCKETS = INIT_DURATION_BUCKETS;
  public static final double[] TIMEOUT_RATIO_BUCKETS = {0.25, 0.5, 0.8, 0.9, 1};
  public static final double[] MEMORY_RATIO_BUCKETS = {0.5, 0.7, 0.8, 0.9, 0.95, 1};

  /** Findings-window counters. */
  public static final int INVOCATIONS = 0;
  public static final int COLDSTARTS = 1;
  public static final int NEAR_TIMEOUT = 2;
  public static final int NEAR_MEMORY_LIMIT = 3;
  public static final int DUPLICATES = 4;
  public static final int TIMEOUTS = 5;
  public static final int COUNTERS = 6;

  /** Free-form labels whose values are bounded per function. */
  public static final int ERROR_TYPE = 0;
  public static final int VERSION = 1;
  public static final int SERVICE = 2;
  public static final int OPERATION = 3;
  public static final int INIT_ERROR_TYPE = 4;
  private static final int LABELS = 5;

  /** Invocations decided last, per function: so the late other half of one of them is known. */
  static final int RECENT = 16;
  public static final int SPAN_HALF = 1;
  public static final int REPORT_HALF = 2;
  /** Its late half came, or its late window ended: nothing more joins it. */
  public static final int LATE_CLOSED = 4;

  private static final int VERSION_BYTE = 1;

  /** Two label values of one series. */
  public record LabelPair(String first, String second) {}

  // What its telemetry says, and when (wall clock, ms).
  private long lastSeenMs;
  private long lastSpanMs;
  private long lastReportMs;
  private long timeoutMs = -1;
  private long maxMemoryBytes = -1;
  private long lastMemoryBytes = -1;

  // Findings window: current and previous half.
  private long windowStartMs;
  private long[] current = new long[COUNTERS];
  private long[] previous = new long[COUNTERS];

  private final List<List<String>> labelValues = new ArrayList<>(LABELS);

  private final long[] recentIds = new long[RECENT];
  private final byte[] recentHalves = new byte[RECENT];
  private final long[] recentReportTimes = new long[RECENT];
  private int recentNext;

  // Series.
  private final long[] invocations = new long[TRIGGERS.size() * OUTCOMES.size()];
  private int triggersSeen;
  private final long[] coldstarts = new long[INIT_TYPES.size()];
  private final Histogram[] initDurations = new Histogram[INIT_TYPES.size()];
  private final long[] duplicates = new long[DUPLICATE_KINDS.size()];
  private long timeouts;
  private long throttles;
  private long droppedSpans;
  private long droppedEvents;
  private long uninstrumented;
  private long billedDurationMs;
  private final Map<LabelPair, long[]> errors = new LinkedHashMap<>();
  private final Map<String, long[]> initFailures = new LinkedHashMap<>();
  private final Map<LabelPair, long[]> downstreamThrottles = new LinkedHashMap<>();
  private Histogram invokeDuration;
  private Histogram restoreDuration;
  private Histogram timeoutRatio;
  private Histogram memoryRatio;

  // Cost and concurrency (written after everything above: state written before them reads as none).
  private int architecture = -1;
  private final long[] megabyteMs = new long[ARCHITECTURES.size()];
  private final double[] costUsd = new double[ARCHITECTURES.size() * COST_COMPONENTS.size()];
  private long timeoutBilledMs;
  private ConcurrencyWindows concurrency = new ConcurrencyWindows();

  /** Not stored: the time-index bucket the registry filed this function under. */
  long indexedBucket = Long.MIN_VALUE;

  public FunctionState() {
    for (int i = 0; i < LABELS; i++) {
      labelValues.add(new ArrayList<>(2));
    }
  }

  // ---- what the telemetry says about the function

  public long lastSeenMs() {
    return lastSeenMs;
  }

  public void seen(long nowMs) {
    lastSeenMs = Math.max(lastSeenMs, nowMs);
  }

  public long lastSpanMs() {
    return lastSpanMs;
  }

  public long lastReportMs() {
    return lastReportMs;
  }

  /** An agent span arrived: the function has an agent; its timeout and memory as the span says. */
  public void spanSeen(long nowMs, long timeoutMs, long maxMemoryBytes) {
    lastSpanMs = nowMs;
    if (timeoutMs > 0) {
      this.timeoutMs = timeoutMs;
    }
    if (maxMemoryBytes > 0) {
      this.maxMemoryBytes = maxMemoryBytes;
    }
  }

  /** A joinable platform report arrived: the function sends reports; its memory as the report says. */
  public void reportSeen(long nowMs, long maxMemoryBytes) {
    lastReportMs = nowMs;
    if (maxMemoryBytes > 0) {
      this.maxMemoryBytes = maxMemoryBytes;
    }
  }

  public long timeoutMs() {
    return timeoutMs;
  }

  /** The function's architecture as its spans say ({@code host.arch}; index in {@link #ARCHITECTURES}), or -1. */
  public int architecture() {
    return architecture;
  }

  public void architectureSeen(int index) {
    if (index >= 0) {
      architecture = index;
    }
  }

  public long maxMemoryBytes() {
    return maxMemoryBytes;
  }

  public long lastMemoryBytes() {
    return lastMemoryBytes;
  }

  // ---- label values

  /**
   * The value itself if the function has used it, or may still add it ({@code max} values per
   * label); else null: the caller reports it as {@code other}.
   */
  public String admitLabel(int label, String value, int max) {
    List<String> used = labelValues.get(label);
    for (int i = 0; i < used.size(); i++) {
      if (used.get(i).equals(value)) {
        return used.get(i);
      }
    }
    if (used.size() >= max) {
      return null;
    }
    used.add(value);
    return value;
  }

  // ---- the invocations decided last

  /**
   * Remembers that an invocation (by request id hash) was decided with these halves ({@link
   * #SPAN_HALF}, {@link #REPORT_HALF}) and, with a report, the report's time.
   */
  public void decided(long requestIdHash, int halves, long reportTimeNanos) {
    recentIds[recentNext] = requestIdHash;
    recentHalves[recentNext] = (byte) halves;
    recentReportTimes[recentNext] = reportTimeNanos;
    recentNext = (recentNext + 1) % RECENT;
  }

  /** What an invocation was decided with (and {@link #LATE_CLOSED}), if it is among the last decided; 0 if not. */
  public int decidedHalves(long requestIdHash) {
    int i = recent(requestIdHash);
    return i < 0 ? 0 : recentHalves[i];
  }

  /** The time of the report an invocation among the last decided was decided or joined with; 0 if none. */
  public long decidedReportTime(long requestIdHash) {
    int i = recent(requestIdHash);
    return i < 0 ? 0 : recentReportTimes[i];
  }

  /** Adds to what an invocation among the last decided has: its other half (with the report's time), or {@link #LATE_CLOSED}. */
  public void addHalf(long requestIdHash, int bits, long reportTimeNanos) {
    int i = recent(requestIdHash);
    if (i >= 0) {
      recentHalves[i] |= (byte) bits;
      if ((bits & REPORT_HALF) != 0) {
        recentReportTimes[i] = reportTimeNanos;
      }
    }
  }

  private int recent(long requestIdHash) {
    for (int k = 1; k <= RECENT; k++) {
      int i = Math.floorMod(recentNext - k, RECENT); // the newest first: a retry's decision wins
      if (recentHalves[i] != 0 && recentIds[i] == requestIdHash) {
        return i;
      }
    }
    return -1;
  }

  // ---- findings window

  /** Adds to a findings-window counter; rolls the window every half of {@code windowMs}. */
  public void countInWindow(int counter, long nowMs, long windowMs) {
    long half = Math.max(1, windowMs / 2);
    if (windowStartMs == 0) {
      windowStartMs = nowMs;
    } else if (nowMs - windowStartMs >= 2 * half) {
      current = new long[COUNTERS];
      previous = new long[COUNTERS];
      windowStartMs = nowMs;
    } else if (nowMs - windowStartMs >= half) {
      previous = current;
      current = new long[COUNTERS];
      windowStartMs = nowMs;
    }
    current[counter]++;
  }

  /** Count over the window (current and previous half), ignoring halves older than the window. */
  public long windowCount(int counter, long nowMs, long windowMs) {
    long half = Math.max(1, windowMs / 2);
    if (windowStartMs == 0 || nowMs - windowStartMs >= 2 * half) {
      return 0;
    }
    return current[counter] + (nowMs - windowStartMs >= half ? 0 : previous[counter]);
  }

  // ---- counting

  public void countInvocation(String trigger, String outcome) {
    int t = Math.max(0, TRIGGERS.indexOf(trigger));
    int o = Math.max(0, OUTCOMES.indexOf(outcome));
    invocations[t * OUTCOMES.size() + o]++;
    triggersSeen |= 1 << t;
  }

  public void countColdstart(String initType) {
    coldstarts[initTypeIndex(initType)]++;
  }

  public void observeInitDuration(String initType, double seconds) {
    int i = initTypeIndex(initType);
    if (initDurations[i] == null) {
      initDurations[i] = new Histogram(INIT_DURATION_BUCKETS.length);
    }
    initDurations[i].observe(seconds, INIT_DURATION_BUCKETS);
  }

  public void countError(String errorType, String version) {
    errors.computeIfAbsent(new LabelPair(errorType, version), k -> new long[1])[0]++;
  }

  public void countInitFailure(String errorType) {
    initFailures.computeIfAbsent(errorType, k -> new long[1])[0]++;
  }

  public void countDownstreamThrottle(String service, String operation) {
    downstreamThrottles.computeIfAbsent(new LabelPair(service, operation), k -> new long[1])[0]++;
  }

  public void countDuplicate(int kind) {
    duplicates[kind]++;
  }

  public void countTimeout() {
    timeouts++;
  }

  public void countThrottle() {
    throttles++;
  }

  public void countDroppedSpans(long n) {
    droppedSpans += n;
  }

  public void countDroppedEvents(long n) {
    droppedEvents += n;
  }

  public void countUninstrumented() {
    uninstrumented++;
  }

  public void addBilledDuration(long ms) {
    billedDurationMs += ms;
  }

  /** A request, priced. */
  public void countRequest(int architecture, double priceUsd) {
    costUsd[architecture * COST_COMPONENTS.size() + COST_REQUESTS] += priceUsd;
  }

  /**
   * Billed duration at the configured memory: GB-seconds, and their cost under {@code component}
   * ({@link #COST_DURATION} or {@link #COST_PROVISIONED_DURATION}).
   */
  public void addBilledMemoryTime(int architecture, long billedMs, long memoryBytes, int component,
      double priceUsdPerGbSecond) {
    long mbMs = billedMs * (memoryBytes >> 20);
    megabyteMs[architecture] += mbMs;
    costUsd[architecture * COST_COMPONENTS.size() + component] += mbMs / 1024.0 / 1000.0 * priceUsdPerGbSecond;
  }

  /** Billed duration of an invocation that timed out: time spent waiting on the deadline. */
  public void addTimeoutBilled(long ms) {
    timeoutBilledMs += ms;
  }

  /** An invocation's interval in event time, for concurrency; whether a part of it came too late. */
  public boolean addExecution(long startMs, long endMs, long windowMs, long latenessMs) {
    return concurrency.add(startMs, endMs, windowMs, latenessMs);
  }

  public void observeInvokeDuration(double seconds) {
    if (invokeDuration == null) {
      invokeDuration = new Histogram(INVOKE_DURATION_BUCKETS.length);
    }
    invokeDuration.observe(seconds, INVOKE_DURATION_BUCKETS);
  }

  public void observeRestoreDuration(double seconds) {
    if (restoreDuration == null) {
      restoreDuration = new Histogram(RESTORE_DURATION_BUCKETS.length);
    }
    restoreDuration.observe(seconds, RESTORE_DURATION_BUCKETS);
  }

  public void observeTimeoutRatio(double ratio) {
    if (timeoutRatio == null) {
      timeoutRatio = new Histogram(TIMEOUT_RATIO_BUCKETS.length);
    }
    timeoutRatio.observe(ratio, TIMEOUT_RATIO_BUCKETS);
  }

  /** The peak memory of an invocation: the latest-memory gauge, and its share of the limit when known. */
  public void observeMemory(long bytes, long limitBytes) {
    lastMemoryBytes = bytes;
    if (limitBytes > 0) {
      if (memoryRatio == null) {
        memoryRatio = new Histogram(MEMORY_RATIO_BUCKETS.length);
      }
      memoryRatio.observe((double) bytes / limitBytes, MEMORY_RATIO_BUCKETS);
    }
  }

  // ---- reading the series (of a published copy)

  public long invocations(int trigger, int outcome) {
    return invocations[trigger * OUTCOMES.size() + outcome];
  }

  /** Whether an invocation with this trigger (index in {@link #TRIGGERS}) was ever counted. */
  public boolean triggerSeen(int trigger) {
    return (triggersSeen & (1 << trigger)) != 0;
  }

  public long coldstarts(int initType) {
    return coldstarts[initType];
  }

  public Histogram initDuration(int initType) {
    return initDurations[initType];
  }

  public long duplicates(int kind) {
    return duplicates[kind];
  }

  public long timeouts() {
    return timeouts;
  }

  public long throttles() {
    return throttles;
  }

  public long droppedSpans() {
    return droppedSpans;
  }

  public long droppedEvents() {
    return droppedEvents;
  }

  public long uninstrumented() {
    return uninstrumented;
  }

  public long billedDurationMs() {
    return billedDurationMs;
  }

  public Map<LabelPair, long[]> errors() {
    return errors;
  }

  public Map<String, long[]> initFailures() {
    return initFailures;
  }

  public Map<LabelPair, long[]> downstreamThrottles() {
    return downstreamThrottles;
  }

  public Histogram invokeDuration() {
    return invokeDuration;
  }

  public Histogram restoreDuration() {
    return restoreDuration;
  }

  public Histogram timeoutRatio() {
    return timeoutRatio;
  }

  public Histogram memoryRatio() {
    return memoryRatio;
  }

  /** GB-seconds billed on an architecture: billed duration times configured memory (GiB, as Lambda bills). */
  public double gbSeconds(int architecture) {
    return megabyteMs[architecture] / 1024.0 / 1000.0;
  }

  /** Whether anything was billed or priced on an architecture. */
  public boolean architectureUsed(int architecture) {
    for (int c = 0; c < COST_COMPONENTS.size(); c++) {
      if (costUsd[architecture * COST_COMPONENTS.size() + c] > 0) {
        return true;
      }
    }
    return megabyteMs[architecture] > 0;
  }

  public double costUsd(int architecture, int component) {
    return costUsd[architecture * COST_COMPONENTS.size() + component];
  }

  public long timeoutBilledMs() {
    return timeoutBilledMs;
  }

  public ConcurrencyWindows concurrency() {
    return concurrency;
  }

  /**
   * {@code host.arch} as an index in {@link #ARCHITECTURES}, or -1: the semantic conventions' {@code
   * amd64} and {@code arm64}, Lambda's {@code x86_64}, and Java's {@code os.arch} {@code aarch64}.
   */
  public static int architectureIndex(String hostArch) {
    if (hostArch == null) {
      return -1;
    }
    return switch (hostArch) {
      case "amd64", "x86_64" -> 0;
      case "arm64", "aarch64" -> 1;
      default -> -1;
    };
  }

  public static int initTypeIndex(String initType) {
    int i = initType == null ? -1 : INIT_TYPES.indexOf(initType);
    return i < 0 ? INIT_TYPES.size() - 1 : i;
  }

  // ---- copies, sums, encoding

  /** A deep copy: what readers are given, never changed afterwards. */
  public FunctionState copy() {
    FunctionState c = new FunctionState();
    c.copyFrom(this);
    return c;
  }

  private void copyFrom(FunctionState f) {
    lastSeenMs = f.lastSeenMs;
    lastSpanMs = f.lastSpanMs;
    lastReportMs = f.lastReportMs;
    timeoutMs = f.timeoutMs;
    maxMemoryBytes = f.maxMemoryBytes;
    lastMemoryBytes = f.lastMemoryBytes;
    windowStartMs = f.windowStartMs;
    current = f.current.clone();
    previous = f.previous.clone();
    for (int i = 0; i < LABELS; i++) {
      labelValues.get(i).addAll(f.labelValues.get(i));
    }
    System.arraycopy(f.recentIds, 0, recentIds, 0, RECENT);
    System.arraycopy(f.recentHalves, 0, recentHalves, 0, RECENT);
    System.arraycopy(f.recentReportTimes, 0, recentReportTimes, 0, RECENT);
    recentNext = f.recentNext;
    System.arraycopy(f.invocations, 0, invocations, 0, invocations.length);
    triggersSeen = f.triggersSeen;
    System.arraycopy(f.coldstarts, 0, coldstarts, 0, coldstarts.length);
    for (int i = 0; i < initDurations.length; i++) {
      initDurations[i] = f.initDurations[i] == null ? null : f.initDurations[i].copy();
    }
    System.arraycopy(f.duplicates, 0, duplicates, 0, duplicates.length);
    timeouts = f.timeouts;
    throttles = f.throttles;
    droppedSpans = f.droppedSpans;
    droppedEvents = f.droppedEvents;
    uninstrumented = f.uninstrumented;
    billedDurationMs = f.billedDurationMs;
    f.errors.forEach((k, v) -> errors.put(k, v.clone()));
    f.initFailures.forEach((k, v) -> initFailures.put(k, v.clone()));
    f.downstreamThrottles.forEach((k, v) -> downstreamThrottles.put(k, v.clone()));
    invokeDuration = f.invokeDuration == null ? null : f.invokeDuration.copy();
    restoreDuration = f.restoreDuration == null ? null : f.restoreDuration.copy();
    timeoutRatio = f.timeoutRatio == null ? null : f.timeoutRatio.copy();
    memoryRatio = f.memoryRatio == null ? null : f.memoryRatio.copy();
    architecture = f.architecture;
    System.arraycopy(f.megabyteMs, 0, megabyteMs, 0, megabyteMs.length);
    System.arraycopy(f.costUsd, 0, costUsd, 0, costUsd.length);
    timeoutBilledMs = f.timeoutBilledMs;
    concurrency = f.concurrency.copy();
  }

  /**
   * A copy of this plus {@code other}: the same function's series kept by two tasks (records of one
   * function keyed two ways) shown as one. Gauges take the latest.
   */
  public FunctionState plus(FunctionState other) {
    FunctionState sum = copy();
    FunctionState later = other.lastSeenMs > lastSeenMs ? other : this;
    sum.lastSeenMs = Math.max(lastSeenMs, other.lastSeenMs);
    sum.timeoutMs = later.timeoutMs > 0 ? later.timeoutMs : sum.timeoutMs;
    sum.maxMemoryBytes = later.maxMemoryBytes > 0 ? later.maxMemoryBytes : sum.maxMemoryBytes;
    sum.lastMemoryBytes = later.lastMemoryBytes > 0 ? later.lastMemoryBytes : sum.lastMemoryBytes;
    for (int i = 0; i < invocations.length; i++) {
      sum.invocations[i] += other.invocations[i];
    }
    sum.triggersSeen |= other.triggersSeen;
    for (int i = 0; i < coldstarts.length; i++) {
      sum.coldstarts[i] += other.coldstarts[i];
      sum.initDurations[i] = plus(sum.initDurations[i], other.initDurations[i]);
    }
    for (int i = 0; i < duplicates.length; i++) {
      sum.duplicates[i] += other.duplicates[i];
    }
    sum.timeouts += other.timeouts;
    sum.throttles += other.throttles;
    sum.droppedSpans += other.droppedSpans;
    sum.droppedEvents += other.droppedEvents;
    sum.uninstrumented += other.uninstrumented;
    sum.billedDurationMs += other.billedDurationMs;
    other.errors.forEach((k, v) -> sum.errors.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
    other.initFailures.forEach((k, v) -> sum.initFailures.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
    other.downstreamThrottles.forEach((k, v) -> sum.downstreamThrottles.computeIfAbsent(k, x -> new long[1])[0] += v[0]);
    sum.invokeDuration = plus(sum.invokeDuration, other.invokeDuration);
    sum.restoreDuration = plus(sum.restoreDuration, other.restoreDuration);
    sum.timeoutRatio = plus(sum.timeoutRatio, other.timeoutRatio);
    sum.memoryRatio = plus(sum.memoryRatio, other.memoryRatio);
    for (int i = 0; i < COUNTERS; i++) {
      sum.current[i] += other.windowCountRaw(i);
    }
    sum.architecture = later.architecture >= 0 ? later.architecture : sum.architecture;
    for (int i = 0; i < megabyteMs.length; i++) {
      sum.megabyteMs[i] += other.megabyteMs[i];
    }
    for (int i = 0; i < costUsd.length; i++) {
      sum.costUsd[i] += other.costUsd[i];
    }
    sum.timeoutBilledMs += other.timeoutBilledMs;
    sum.concurrency = concurrency.plus(other.concurrency);
    return sum;
  }

  private long windowCountRaw(int i) {
    return current[i] + previous[i];
  }

  private static Histogram plus(Histogram a, Histogram b) {
    if (b == null) {
      return a;
    }
    Histogram out = a == null ? b.copy() : a;
    if (a != null) {
      out.add(b);
    }
    return out;
  }

  /** The stored form (version byte first). */
  public byte[] encode() {
    Bin.Writer w = new Bin.Writer(256);
    w.u8(VERSION_BYTE);
    w.var(lastSeenMs).var(lastSpanMs).var(lastReportMs).svar(timeoutMs).svar(maxMemoryBytes).svar(lastMemoryBytes);
    w.var(windowStartMs).var(COUNTERS);
    for (int i = 0; i < COUNTERS; i++) {
      w.var(current[i]).var(previous[i]);
    }
    w.var(LABELS);
    for (List<String> values : labelValues) {
      w.var(values.size());
      values.forEach(w::str);
    }
    w.var(RECENT).var(recentNext);
    for (int i = 0; i < RECENT; i++) {
      w.u8(recentHalves[i]);
      if (recentHalves[i] != 0) {
        w.i64(recentIds[i]).var(recentReportTimes[i]);
      }
    }
    w.var(invocations.length);
    for (long v : invocations) {
      w.var(v);
    }
    w.var(triggersSeen).var(coldstarts.length);
    for (int i = 0; i < coldstarts.length; i++) {
      w.var(coldstarts[i]);
      writeOptional(w, initDurations[i]);
    }
    w.var(duplicates.length);
    for (long v : duplicates) {
      w.var(v);
    }
    w.var(timeouts).var(throttles).var(droppedSpans).var(droppedEvents).var(uninstrumented).var(billedDurationMs);
    w.var(errors.size());
    errors.forEach((k, v) -> w.str(k.first()).str(k.second()).var(v[0]));
    w.var(initFailures.size());
    initFailures.forEach((k, v) -> w.str(k).var(v[0]));
    w.var(downstreamThrottles.size());
    downstreamThrottles.forEach((k, v) -> w.str(k.first()).str(k.second()).var(v[0]));
    writeOptional(w, invokeDuration);
    writeOptional(w, restoreDuration);
    writeOptional(w, timeoutRatio);
    writeOptional(w, memoryRatio);
    w.svar(architecture).var(megabyteMs.length);
    for (long v : megabyteMs) {
      w.var(v);
    }
    w.var(costUsd.length);
    for (double v : costUsd) {
      w.f64(v);
    }
    w.var(timeoutBilledMs);
    concurrency.write(w);
    return w.toBytes();
  }

  public static FunctionState decode(byte[] bytes) {
    Bin.Reader r = new Bin.Reader(bytes);
    int version = r.u8();
    if (version != VERSION_BYTE) {
      throw new IllegalArgumentException("unknown function state encoding " + version);
    }
    FunctionState f = new FunctionState();
    f.lastSeenMs = r.var();
    f.lastSpanMs = r.var();
    f.lastReportMs = r.var();
    f.timeoutMs = r.svar();
    f.maxMemoryBytes = r.svar();
    f.lastMemoryBytes = r.svar();
    f.windowStartMs = r.var();
    int counters = r.varInt();
    for (int i = 0; i < counters; i++) {
      long c = r.var();
      long p = r.var();
      if (i < COUNTERS) {
        f.current[i] = c;
        f.previous[i] = p;
      }
    }
    int labels = r.varInt();
    for (int i = 0; i < labels; i++) {
      int n = r.varInt();
      for (int j = 0; j < n; j++) {
        String v = r.str();
        if (i < LABELS) {
          f.labelValues.get(i).add(v);
        }
      }
    }
    int recent = r.varInt();
    int next = r.varInt();
    for (int i = 0; i < recent; i++) {
      int halves = r.u8();
      long id = halves == 0 ? 0 : r.i64();
      long reportTime = halves == 0 ? 0 : r.var();
      if (i < RECENT) {
        f.recentIds[i] = id;
        f.recentHalves[i] = (byte) halves;
        f.recentReportTimes[i] = reportTime;
      }
    }
    f.recentNext = next % RECENT;
    int n = r.varInt();
    for (int i = 0; i < n; i++) {
      long v = r.var();
      if (i < f.invocations.length) {
        f.invocations[i] = v;
      }
    }
    f.triggersSeen = r.varInt();
    n = r.varInt();
    for (int i = 0; i < n; i++) {
      long v = r.var();
      Histogram h = readOptional(r, INIT_DURATION_BUCKETS.length);
      if (i < f.coldstarts.length) {
        f.coldstarts[i] = v;
        f.initDurations[i] = h;
      }
    }
    n = r.varInt();
    for (int i = 0; i < n; i++) {
      long v = r.var();
      if (i < f.duplicates.length) {
        f.duplicates[i] = v;
      }
    }
    f.timeouts = r.var();
    f.throttles = r.var();
    f.droppedSpans = r.var();
    f.droppedEvents = r.var();
    f.uninstrumented = r.var();
    f.billedDurationMs = r.var();
    n = r.varInt();
    for (int i = 0; i < n; i++) {
      f.errors.put(new LabelPair(r.str(), r.str()), new long[] {r.var()});
    }
    n = r.varInt();
    for (int i = 0; i < n; i++) {
      f.initFailures.put(r.str(), new long[] {r.var()});
    }
    n = r.varInt();
    for (int i = 0; i < n; i++) {
      f.downstreamThrottles.put(new LabelPair(r.str(), r.str()), new long[] {r.var()});
    }
    f.invokeDuration = readOptional(r, INVOKE_DURATION_BUCKETS.length);
    f.restoreDuration = readOptional(r, RESTORE_DURATION_BUCKETS.length);
    f.timeoutRatio = readOptional(r, TIMEOUT_RATIO_BUCKETS.length);
    f.memoryRatio = readOptional(r, MEMORY_RATIO_BUCKETS.length);
    if (r.atEnd()) {
      return f; // written before cost and concurrency
    }
    long arch = r.svar();
    f.architecture = arch < ARCHITECTURES.size() ? (int) arch : -1;
    n = r.varInt();
    for (int i = 0; i < n; i++) {
      long v = r.var();
      if (i < f.megabyteMs.length) {
        f.megabyteMs[i] = v;
      }
    }
    n = r.varInt();
    for (int i = 0; i < n; i++) {
      double v = r.f64();
      if (i < f.costUsd.length) {
        f.costUsd[i] = v;
      }
    }
    f.timeoutBilledMs = r.var();
    f.concurrency = ConcurrencyWindows.read(r);
    return f;
  }

  private static void writeOptional(Bin.Writer w, Histogram h) {
    w.bool(h != null);
    if (h != null) {
      h.write(w);
    }
  }

  private static Histogram readOptional(Bin.Reader r, int bounds) {
    return r.bool() ? Histogram.read(r, bounds) : null;
  }
}
