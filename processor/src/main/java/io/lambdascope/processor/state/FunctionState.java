package io.lambdascope.processor.state;

/**
 * What the processor knows about one function: configuration seen on its telemetry, the memory of
 * its latest invocation, and counts over the findings window (current and previous half, so a
 * finding fades out after the window without keeping per-invocation history).
 *
 * @param lastSpanMs wall time of the last agent span (0: the function has no agent)
 * @param lastReportMs wall time of the last platform report (0: no Telemetry API subscription)
 */
public record FunctionState(
    long lastSpanMs,
    long lastReportMs,
    long timeoutMs,
    long maxMemoryBytes,
    long lastMemoryBytes,
    long windowStartMs,
    long[] current,
    long[] previous) {

  public static final int INVOCATIONS = 0;
  public static final int COLDSTARTS = 1;
  public static final int NEAR_TIMEOUT = 2;
  public static final int NEAR_MEMORY_LIMIT = 3;
  public static final int DUPLICATES = 4;
  public static final int TIMEOUTS = 5;
  public static final int COUNTERS = 6;

  public static FunctionState empty() {
    return new FunctionState(0, 0, -1, -1, -1, 0, new long[COUNTERS], new long[COUNTERS]);
  }

  public FunctionState withSpanSeen(long nowMs, long timeoutMs, long maxMemoryBytes) {
    return new FunctionState(nowMs, lastReportMs,
        timeoutMs > 0 ? timeoutMs : this.timeoutMs,
        maxMemoryBytes > 0 ? maxMemoryBytes : this.maxMemoryBytes,
        lastMemoryBytes, windowStartMs, current, previous);
  }

  public FunctionState withReportSeen(long nowMs, long maxMemoryBytes) {
    return new FunctionState(lastSpanMs, nowMs, timeoutMs,
        maxMemoryBytes > 0 ? maxMemoryBytes : this.maxMemoryBytes,
        lastMemoryBytes, windowStartMs, current, previous);
  }

  /** Adds to the window counters; rolls the window every half of {@code windowMs}. */
  public FunctionState count(long nowMs, long windowMs, long memoryBytes, int... counters) {
    long start = windowStartMs;
    long[] cur = current.clone();
    long[] prev = previous.clone();
    long half = Math.max(1, windowMs / 2);
    if (start == 0) {
      start = nowMs;
    } else if (nowMs - start >= 2 * half) {
      cur = new long[COUNTERS];
      prev = new long[COUNTERS];
      start = nowMs;
    } else if (nowMs - start >= half) {
      prev = cur;
      cur = new long[COUNTERS];
      start = nowMs;
    }
    for (int c : counters) {
      cur[c]++;
    }
    return new FunctionState(lastSpanMs, lastReportMs, timeoutMs, maxMemoryBytes,
        memoryBytes > 0 ? memoryBytes : lastMemoryBytes, start, cur, prev);
  }

  /** Count over the window (current and previous half), ignoring halves older than the window. */
  public long windowCount(int counter, long nowMs, long windowMs) {
    long half = Math.max(1, windowMs / 2);
    if (windowStartMs == 0 || nowMs - windowStartMs >= 2 * half) {
      return 0;
    }
    return current[counter] + (nowMs - windowStartMs >= half ? 0 : previous[counter]);
  }
}
