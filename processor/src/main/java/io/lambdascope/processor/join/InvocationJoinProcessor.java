package io.lambdascope.processor.join;

import io.lambdascope.processor.decode.DecodeException;
import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.InputMeters;
import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.decode.Telemetry;
import io.lambdascope.processor.state.Environments;
import io.lambdascope.processor.state.Fingerprint;
import io.lambdascope.processor.state.FunctionRegistry;
import io.lambdascope.processor.state.FunctionState;
import io.lambdascope.processor.state.ObjectStore;
import io.lambdascope.processor.state.TaskState;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins each invocation's spans with its platform report and decides it once: on arrival when
 * nothing more is worth waiting for, else from a wall-clock punctuator once its wait is over. An
 * invocation decided with one half missing that is still expected is kept for the late window, so
 * the late half joins it: a late report adds its figures (billed duration, memory, init), a late
 * span its dedup keys were already checked; neither counts the invocation again. Records of an
 * invocation finished with are absorbed.
 */
public final class InvocationJoinProcessor extends ContextualProcessor<FunctionId, Telemetry, FunctionId, JoinOutput> {
  private static final Logger log = LoggerFactory.getLogger(InvocationJoinProcessor.class);

  /** The knobs of the join. */
  public record Settings(String logsTopic, Duration reportWait, Duration timeoutGrace, Duration lateWindow,
      Duration punctuateEvery, InputMeters meters, FunctionRegistry.Settings registry) {}

  private final Settings settings;
  private TaskState state;
  private ObjectStore<InvocationKey, PendingInvocation> invocationStore;
  private FunctionRegistry functions;
  private Environments environments;
  private PendingInvocations pending;
  private WaitPolicy waits;

  public InvocationJoinProcessor(Settings settings) {
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<FunctionId, JoinOutput> context) {
    super.init(context);
    state = TaskState.functionsAndEnvironments(context, settings.registry());
    functions = state.functions();
    environments = state.environments();
    invocationStore = context.getStateStore(PendingInvocations.STORE_NAME);
    waits = new WaitPolicy(settings.reportWait(), settings.timeoutGrace(), context.currentSystemTimeMs());
    pending = PendingInvocations.attach(invocationStore, waits, settings.lateWindow());
    context.schedule(settings.punctuateEvery(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void close() {
    state.detach();
    invocationStore.detach();
  }

  @Override
  public void process(Record<FunctionId, Telemetry> record) {
    long now = context().currentSystemTimeMs();
    if (record.value() instanceof InvocationSpan span) {
      onSpan(span, record.timestamp(), now);
    } else if (record.value() instanceof PlatformEvent event && event.isReport()) {
      if (!event.isJoinableReport()) {
        settings.meters().decodeFailure(settings.logsTopic(), DecodeException.MISSING_INVOCATION_ID,
            "platform.report without requestId");
        return;
      }
      onReport(event, record.timestamp(), now);
    }
  }

  private void onSpan(InvocationSpan span, long ts, long now) {
    InvocationKey key = new InvocationKey(span.id(), span.invocationId());
    FunctionState fs = functions.peek(span.id());
    PendingInvocation p = pending.get(key);
    if (p != null && p.decided) {
      if (p.missingHalf == PendingInvocation.SPAN) {
        lateSpan(key, p, span, now);
        return;
      }
      if (span.knownDelivery()) {
        return; // the deciding span again, or its correction after the grace: the decision stands
      }
      // A new attempt under the same request id (Lambda's async retry): the earlier one's report never came.
      endLateWindow(key, p, now);
      p = null;
    }
    if (p == null) {
      if (span.knownDelivery()) {
        log.debug("record of decided invocation {} absorbed", span.invocationId());
        return;
      }
      long hash = Fingerprint.hash64(span.invocationId());
      if (fs != null && fs.decidedHalves(hash) == FunctionState.REPORT_HALF) {
        // Decided from its report alone moments ago, before the function was known to have an agent.
        functions.touch(span.id(), now).addHalf(hash, FunctionState.SPAN_HALF, 0);
        context().forward(new Record<>(span.id(), new JoinOutput.LateSpan(span), now));
        return;
      }
      p = new PendingInvocation(now);
      p.requestHash = hash;
    }
    p.addSpan(span);
    p.recordAt(ts);
    decideOrWait(key, p, fs, now);
  }

  private void lateSpan(InvocationKey key, PendingInvocation p, InvocationSpan span, long now) {
    pending.remove(key, p);
    functions.touch(span.id(), now).addHalf(Fingerprint.hash64(span.invocationId()),
        FunctionState.SPAN_HALF | FunctionState.LATE_CLOSED, 0);
    context().forward(new Record<>(span.id(), new JoinOutput.LateSpan(span), now));
  }

  private void onReport(PlatformEvent report, long ts, long now) {
    InvocationKey key = new InvocationKey(report.id(), report.invocationId());
    FunctionState fs = functions.peek(report.id());
    PendingInvocation p = pending.get(key);
    if (p != null && p.decided) {
      if (p.missingHalf == PendingInvocation.REPORT) {
        lateReport(key, p, report, now);
        return;
      }
      if (report.timeEpochNanos() == p.reportTimeNanos) {
        return; // the deciding report again
      }
      // A new attempt under the same request id: the earlier one's span never came.
      endLateWindow(key, p, now);
      p = null;
    }
    if (p == null) {
      long hash = Fingerprint.hash64(report.invocationId());
      int halves = fs == null ? 0 : fs.decidedHalves(hash);
      if ((halves & FunctionState.REPORT_HALF) != 0 && fs.decidedReportTime(hash) == report.timeEpochNanos()) {
        return; // the report it was decided or joined with, again
      }
      if ((halves & (FunctionState.REPORT_HALF | FunctionState.SPAN_HALF)) == FunctionState.SPAN_HALF) {
        if ((halves & FunctionState.LATE_CLOSED) != 0) {
          return; // its late window is over: counted from its span
        }
        // Decided from its span alone moments ago, when the function was not known to send reports:
        // the figures only the report knows are still missing; the others were counted from the span.
        functions.touch(report.id(), now).addHalf(hash, FunctionState.REPORT_HALF, report.timeEpochNanos());
        ReportFigures figures = DecidedInvocation.lateFigures(
            new Deferred(false, null, Double.NaN, -1, -1, report.instance()), report,
            environments.get(report.id(), report.instance())).reportOnly();
        context().forward(new Record<>(report.id(), new JoinOutput.LateFigures(report.id(), figures), now));
        return;
      }
      p = new PendingInvocation(now);
      p.requestHash = hash;
    } else if (p.report != null && p.report.timeEpochNanos() == report.timeEpochNanos()) {
      return; // the same report again
    }
    p.report = report;
    p.recordAt(ts);
    decideOrWait(key, p, fs, now);
  }

  private void lateReport(InvocationKey key, PendingInvocation p, PlatformEvent report, long now) {
    Environments.State env = environments.get(report.id(), report.instance() != null ? report.instance()
        : p.deferred == null ? null : p.deferred.instance());
    ReportFigures figures = p.deferred == null
        ? DecidedInvocation.lateFigures(new Deferred(false, null, Double.NaN, -1, -1, null), report, env).reportOnly()
        : DecidedInvocation.lateFigures(p.deferred, report, env);
    pending.remove(key, p);
    functions.touch(report.id(), now).addHalf(Fingerprint.hash64(report.invocationId()),
        FunctionState.REPORT_HALF | FunctionState.LATE_CLOSED, report.timeEpochNanos());
    context().forward(new Record<>(report.id(), new JoinOutput.LateFigures(report.id(), figures), now));
  }

  private void decideOrWait(InvocationKey key, PendingInvocation p, FunctionState fs, long now) {
    if (waits.completeOnArrival(p, fs, now)) {
      decide(key, p, now);
    } else {
      pending.waitFor(key, p, waits.dueAt(p));
    }
  }

  private void punctuate(long now) {
    for (InvocationKey key : pending.dueWaiting(now)) {
      PendingInvocation p = pending.get(key);
      if (p != null && !p.decided) {
        decide(key, p, now);
      }
    }
    for (InvocationKey key : pending.lateExpired(now)) {
      PendingInvocation p = pending.get(key);
      if (p != null && p.decided) {
        endLateWindow(key, p, now);
      }
    }
  }

  /** The late half did not come in time: a span-only decision's figures are the span's after all. */
  private void endLateWindow(InvocationKey key, PendingInvocation p, long now) {
    pending.remove(key, p);
    FunctionState fs = functions.peek(key.id());
    if (fs != null) {
      fs.addHalf(Fingerprint.hash64(key.requestId()), FunctionState.LATE_CLOSED, 0);
      functions.changed(key.id());
    }
    if (p.missingHalf == PendingInvocation.REPORT && p.deferred != null) {
      Environments.State env = environments.get(key.id(), p.deferred.instance());
      ReportFigures figures = DecidedInvocation.spanFigures(p.deferred, env);
      context().forward(new Record<>(key.id(), new JoinOutput.LateFigures(key.id(), figures), now));
    }
  }

  private void decide(InvocationKey key, PendingInvocation p, long now) {
    InvocationSpan span = p.bestSpan();
    PlatformEvent report = p.report();
    FunctionState fs = functions.touch(key.id(), now);
    boolean reportExpected = report == null && span != null && WaitPolicy.sendsReports(fs, now);
    boolean spanExpected = span == null && WaitPolicy.hasAgent(fs, now);
    boolean cold = (span != null && span.coldstart()) || (report != null
        && (!Double.isNaN(report.initDurationMs()) || !Double.isNaN(report.restoreDurationMs())));
    Environments.State env = cold
        ? environments.get(key.id(), span != null && span.instance() != null ? span.instance()
            : report == null ? null : report.instance())
        : null;
    DecidedInvocation inv = DecidedInvocation.from(p, fs, env, reportExpected);
    fs.decided(p.requestHash != 0 ? p.requestHash : Fingerprint.hash64(key.requestId()),
        (span != null ? FunctionState.SPAN_HALF : 0) | (report != null ? FunctionState.REPORT_HALF : 0),
        report == null ? 0 : report.timeEpochNanos());
    long ts = p.streamTime();
    if (reportExpected) {
      p.decidedMissing(PendingInvocation.REPORT, now, inv.deferred(span));
      pending.keepForLateHalf(key, p);
    } else if (spanExpected) {
      p.decidedMissing(PendingInvocation.SPAN, now, null);
      pending.keepForLateHalf(key, p);
    } else {
      pending.remove(key, p);
    }
    context().forward(new Record<>(key.id(), new JoinOutput.Decided(inv, span), ts));
  }
}
