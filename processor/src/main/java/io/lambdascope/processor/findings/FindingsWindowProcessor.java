package io.lambdascope.processor.findings;

import io.lambdascope.processor.dedup.DuplicateCheck;
import io.lambdascope.processor.join.DecidedInvocation;
import io.lambdascope.processor.join.JoinOutput;
import io.lambdascope.processor.state.FunctionRegistry;
import io.lambdascope.processor.state.FunctionState;
import java.time.Duration;
import java.util.Arrays;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Counts, per function over the findings window, what the findings are made of: invocations, cold
 * starts, timeouts, runs near the timeout or the memory limit, repeated deliveries; and keeps the
 * memory of the latest invocation. Hands the record on.
 */
public final class FindingsWindowProcessor extends ContextualProcessor<String, DuplicateCheck, String, DuplicateCheck> {
  private final long windowMs;
  private FunctionRegistry functions;

  public FindingsWindowProcessor(Duration window) {
    this.windowMs = window.toMillis();
  }

  @Override
  public void init(ProcessorContext<String, DuplicateCheck> context) {
    super.init(context);
    functions = new FunctionRegistry(context.getStateStore(FunctionRegistry.STORE_NAME));
  }

  @Override
  public void process(Record<String, DuplicateCheck> record) {
    DuplicateCheck check = record.value();
    long now = context().currentSystemTimeMs();
    if (check.joined() instanceof JoinOutput.Decided decided) {
      count(decided.invocation(), !check.repeats().isEmpty(), now);
    } else if (!check.repeats().isEmpty()) {
      functions.count(check.joined().function(), now, windowMs, -1, FunctionState.DUPLICATES);
    }
    context().forward(record);
  }

  private void count(DecidedInvocation inv, boolean repeated, long now) {
    String fn = inv.function();
    FunctionState fs = functions.get(fn);
    int[] counters = new int[FunctionState.COUNTERS];
    int n = 0;
    counters[n++] = FunctionState.INVOCATIONS;
    if (inv.coldstart()) {
      counters[n++] = FunctionState.COLDSTARTS;
    }
    long timeoutMs = inv.timeoutMs() > 0 ? inv.timeoutMs() : fs.timeoutMs();
    if ("timeout".equals(inv.outcome())) {
      counters[n++] = FunctionState.TIMEOUTS;
      counters[n++] = FunctionState.NEAR_TIMEOUT;
    } else if (timeoutMs > 0 && inv.durationSeconds() * 1000 >= Findings.NEAR_TIMEOUT_RATIO * timeoutMs) {
      counters[n++] = FunctionState.NEAR_TIMEOUT;
    }
    long maxMemory = inv.maxMemoryBytes() > 0 ? inv.maxMemoryBytes() : fs.maxMemoryBytes();
    if (maxMemory > 0 && inv.memoryBytes() >= Findings.NEAR_MEMORY_RATIO * maxMemory) {
      counters[n++] = FunctionState.NEAR_MEMORY_LIMIT;
    }
    if (repeated) {
      counters[n++] = FunctionState.DUPLICATES;
    }
    functions.count(fn, now, windowMs, inv.memoryBytes(), Arrays.copyOf(counters, n));
  }
}
