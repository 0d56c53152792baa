package io.lambdascope.processor.join;

import io.lambdascope.processor.decode.DecodeException;
import io.lambdascope.processor.decode.InputMeters;
import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.decode.Telemetry;
import io.lambdascope.processor.state.FunctionRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins each invocation's spans with its platform report and decides it once: on arrival when
 * nothing more is worth waiting for, else from a wall-clock punctuator once its wait is over.
 * Records of an invocation decided already are absorbed. Reads the function registry (which sources
 * a function sends) but writes only its own stores.
 */
public final class InvocationJoinProcessor extends ContextualProcessor<String, Telemetry, String, JoinOutput> {
  private static final Logger log = LoggerFactory.getLogger(InvocationJoinProcessor.class);

  private final String logsTopic;
  private final Duration reportWait;
  private final Duration timeoutGrace;
  private final Duration punctuateEvery;
  private final InputMeters meters;
  private PendingInvocations pending;
  private FinalizedInvocations finalized;
  private FunctionRegistry functions;
  private WaitPolicy waits;

  public InvocationJoinProcessor(String logsTopic, Duration reportWait, Duration timeoutGrace, Duration punctuateEvery,
      InputMeters meters) {
    this.logsTopic = logsTopic;
    this.reportWait = reportWait;
    this.timeoutGrace = timeoutGrace;
    this.punctuateEvery = punctuateEvery;
    this.meters = meters;
  }

  @Override
  public void init(ProcessorContext<String, JoinOutput> context) {
    super.init(context);
    pending = new PendingInvocations(context.getStateStore(PendingInvocations.STORE_NAME));
    finalized = new FinalizedInvocations(context.getStateStore(FinalizedInvocations.STORE_NAME));
    functions = new FunctionRegistry(context.getStateStore(FunctionRegistry.STORE_NAME));
    waits = new WaitPolicy(reportWait, timeoutGrace, context.currentSystemTimeMs());
    context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::decideDue);
  }

  @Override
  public void process(Record<String, Telemetry> record) {
    if (record.value() instanceof InvocationSpan span) {
      onSpan(span);
    } else if (record.value() instanceof PlatformEvent event && event.isReport()) {
      if (!event.isJoinableReport()) {
        meters.decodeFailure(logsTopic, DecodeException.MISSING_INVOCATION_ID, "platform.report without requestId");
        return;
      }
      onReport(event);
    }
  }

  private void onSpan(InvocationSpan span) {
    long now = context().currentSystemTimeMs();
    String key = PendingInvocations.key(span.function(), span.invocationId());
    PendingInvocation p = pending.get(key);
    if (p == null) {
      FinalizedMarker m = finalized.find(key, span.recordTimestampMs());
      if (m != null && m.deliveryIds().contains(span.deliveryId())) {
        log.debug("late record of finalized invocation {} ignored", span.invocationId());
        return;
      }
      if (m != null && m.deliveryIds().isEmpty()) {
        finalized.put(key, new FinalizedMarker(List.of(span.deliveryId()), m.hadReport()), span.recordTimestampMs());
        context().forward(new Record<>(key, new JoinOutput.LateSpan(span), span.recordTimestampMs()));
        return;
      }
      p = PendingInvocation.of(now);
    }
    decideOrWait(key, span.function(), p.withSpan(span), now);
  }

  private void onReport(PlatformEvent report) {
    long now = context().currentSystemTimeMs();
    String key = PendingInvocations.key(report.function(), report.invocationId());
    PendingInvocation p = pending.get(key);
    if (p == null) {
      FinalizedMarker m = finalized.find(key, report.recordTimestampMs());
      if (m != null && !m.hadReport()) {
        // The invocation was decided from its span alone; a report arriving after the wait adds nothing.
        finalized.put(key, new FinalizedMarker(m.deliveryIds(), true), report.recordTimestampMs());
        return;
      }
      p = PendingInvocation.of(now);
    }
    decideOrWait(key, report.function(), p.withReport(report), now);
  }

  private void decideOrWait(String key, String function, PendingInvocation p, long now) {
    if (waits.completeOnArrival(p, functions.get(function), now)) {
      decide(key, p);
    } else {
      pending.put(key, p);
    }
  }

  private void decideDue(long now) {
    for (KeyValue<String, PendingInvocation> kv : pending.due(
        (key, p) -> waits.due(p, functions.get(PendingInvocations.functionOf(key)), now))) {
      decide(kv.key, kv.value);
    }
  }

  private void decide(String key, PendingInvocation p) {
    pending.delete(key);
    long ts = streamTime(p);
    List<String> ids = new ArrayList<>(p.spans().size());
    for (InvocationSpan s : p.spans()) {
      ids.add(s.deliveryId());
    }
    finalized.put(key, new FinalizedMarker(List.copyOf(ids), p.hasReport()), ts);
    context().forward(new Record<>(key, new JoinOutput.Decided(DecidedInvocation.from(p), p.bestSpan()), ts));
  }

  /** The latest record time of the invocation: the stream time its markers and dedup keys are filed under. */
  private static long streamTime(PendingInvocation p) {
    long ts = 0;
    for (InvocationSpan s : p.spans()) {
      ts = Math.max(ts, s.recordTimestampMs());
    }
    if (p.report() != null) {
      ts = Math.max(ts, p.report().recordTimestampMs());
    }
    return ts;
  }
}
