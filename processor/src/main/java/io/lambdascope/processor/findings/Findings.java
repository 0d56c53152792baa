package io.lambdascope.processor.findings;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.dlq.DlqWatcher;
import io.lambdascope.processor.state.FunctionState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The rules that turn function state and DLQ watcher data into findings. Evaluated on read
 * (scrape, /api/findings) from the stores, so every replica reports the functions it owns.
 */
public final class Findings {
  public static final String VISIBILITY_TIMEOUT = "sqs_visibility_timeout";
  public static final String NEAR_TIMEOUT = "duration_near_timeout";
  public static final String NEAR_MEMORY = "memory_near_limit";
  public static final String DUPLICATES = "duplicates_without_idempotency";
  public static final String COLDSTARTS = "high_coldstart_ratio";

  /** An invocation that ran this share of the configured timeout counts as near it. */
  public static final double NEAR_TIMEOUT_RATIO = 0.8;
  /** An invocation that used this share of the configured memory counts as near the limit. */
  public static final double NEAR_MEMORY_RATIO = 0.9;

  /** Cold-start ratio from which provisioned concurrency is worth a look, and the sample it needs. */
  static final double COLDSTART_RATIO = 0.2;
  static final long COLDSTART_MIN_INVOCATIONS = 20;

  private Findings() {}

  public static List<Finding> evaluate(
      Map<FunctionId, FunctionState> functions, DlqWatcher.Snapshot dlq, long nowMs, long windowMs) {
    List<Finding> out = new ArrayList<>();
    String window = humanWindow(windowMs);
    for (Map.Entry<FunctionId, FunctionState> e : functions.entrySet()) {
      FunctionId fn = e.getKey();
      FunctionState fs = e.getValue();
      long invocations = fs.windowCount(FunctionState.INVOCATIONS, nowMs, windowMs);
      long near = fs.windowCount(FunctionState.NEAR_TIMEOUT, nowMs, windowMs);
      long timeouts = fs.windowCount(FunctionState.TIMEOUTS, nowMs, windowMs);
      if (near > 0) {
        out.add(new Finding(fn, NEAR_TIMEOUT,
            near + " of " + invocations + " invocations in the last " + window + " ran to at least "
                + pct(NEAR_TIMEOUT_RATIO) + " of the " + seconds(fs.timeoutMs()) + " timeout ("
                + timeouts + " timed out)",
            "Raise the function timeout, or find what the handler waits on (the timeout stacks in "
                + "/api/invocations?outcome=timeout show where); check downstream latency and SDK client timeouts"));
      }
      long nearMemory = fs.windowCount(FunctionState.NEAR_MEMORY_LIMIT, nowMs, windowMs);
      if (nearMemory > 0) {
        out.add(new Finding(fn, NEAR_MEMORY,
            nearMemory + " of " + invocations + " invocations in the last " + window + " used at least "
                + pct(NEAR_MEMORY_RATIO) + " of the configured memory ("
                + mib(fs.maxMemoryBytes()) + "); latest " + mib(fs.lastMemoryBytes()),
            "Raise the memory size (it also buys CPU), or cap the heap (-Xmx / JAVA_TOOL_OPTIONS) below it"));
      }
      long duplicates = fs.windowCount(FunctionState.DUPLICATES, nowMs, windowMs);
      if (duplicates > 0) {
        out.add(new Finding(fn, DUPLICATES,
            duplicates + " invocations in the last " + window + " processed a message or event that had "
                + "already been processed (lambdascope_duplicates_total by kind)",
            "Make the handler idempotent on lambdascope.dedup.key (e.g. a conditional write of the key to "
                + "DynamoDB before side effects), and remove the cause of redelivery: timeouts, visibility "
                + "timeout, partial batch failures without ReportBatchItemFailures"));
      }
      long cold = fs.windowCount(FunctionState.COLDSTARTS, nowMs, windowMs);
      if (invocations >= COLDSTART_MIN_INVOCATIONS && cold >= COLDSTART_RATIO * invocations) {
        out.add(new Finding(fn, COLDSTARTS,
            cold + " of " + invocations + " invocations in the last " + window + " were cold starts ("
                + Math.round(100.0 * cold / invocations) + "%)",
            "Consider provisioned concurrency or SnapStart for this function, and a lighter init "
                + "(lazy clients, fewer classes, -XX:TieredStopAtLevel=1)"));
      }
    }
    for (DlqWatcher.SourceStatus s : dlq.sources()) {
      // The configuration reader names the consuming function by account, region and name (its event source
      // mapping); the DLQ watcher by name only: then every function of that name this replica owns.
      for (Map.Entry<FunctionId, FunctionState> e : functions.entrySet()) {
        FunctionId id = e.getKey();
        if (id.name().equals(s.function())
            && (s.accountId().isEmpty() || s.accountId().equals(id.account()))
            && (s.region().isEmpty() || s.region().equals(id.region()))) {
          visibility(out, id, e.getValue(), s);
        }
      }
    }
    return out;
  }

  private static void visibility(List<Finding> out, FunctionId fn, FunctionState fs, DlqWatcher.SourceStatus s) {
    // The configured timeout when the configuration reader read it, else what the function's telemetry told.
    long timeoutMs = s.functionTimeoutMs() > 0 ? s.functionTimeoutMs() : fs.timeoutMs();
    if (timeoutMs <= 0 || s.visibilityTimeoutSeconds() < 0) {
      return; // its timeout is not known yet
    }
    long required = (long) Math.ceil(6 * timeoutMs / 1000.0);
    if (s.visibilityTimeoutSeconds() < required) {
      out.add(new Finding(fn, VISIBILITY_TIMEOUT,
          "queue " + s.queue() + " has a visibility timeout of " + s.visibilityTimeoutSeconds()
              + " s; the function's timeout is " + seconds(timeoutMs) + ", so messages can become visible "
              + "again while still being processed",
          "Set the queue's VisibilityTimeout to at least " + required + " s (6 x the function timeout, "
              + "AWS guidance for Lambda event sources), or lower the function timeout"));
    }
  }

  private static String pct(double ratio) {
    return Math.round(ratio * 100) + "%";
  }

  private static String seconds(long ms) {
    return ms <= 0 ? "unknown" : (ms % 1000 == 0 ? (ms / 1000) + " s" : (ms / 1000.0) + " s");
  }

  private static String mib(long bytes) {
    return bytes <= 0 ? "unknown" : (bytes >> 20) + " MiB";
  }

  private static String humanWindow(long ms) {
    if (ms % 3_600_000 == 0) {
      return (ms / 3_600_000) + " h";
    }
    if (ms % 60_000 == 0) {
      return (ms / 60_000) + " min";
    }
    return (ms / 1000) + " s";
  }
}
