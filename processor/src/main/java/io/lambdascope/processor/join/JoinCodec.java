package io.lambdascope.processor.join;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.state.Bin;
import io.lambdascope.processor.state.Codecs;
import io.lambdascope.processor.state.ObjectStore;
import java.util.ArrayList;
import java.util.List;

/** The encoding of the {@code invocations} store (its changelog holds these bytes: keep reading what is there). */
public final class JoinCodec implements ObjectStore.Codec<InvocationKey, PendingInvocation> {
  public static final JoinCodec INSTANCE = new JoinCodec();
  private static final int VERSION = 1;

  private JoinCodec() {}

  @Override
  public byte[] key(InvocationKey key) {
    Bin.Writer w = new Bin.Writer(96);
    Codecs.write(w, key.id());
    w.str(key.requestId());
    return w.toBytes();
  }

  @Override
  public InvocationKey key(byte[] bytes) {
    Bin.Reader r = new Bin.Reader(bytes);
    return new InvocationKey(Codecs.readId(r), r.str());
  }

  @Override
  public byte[] value(PendingInvocation p) {
    Bin.Writer w = new Bin.Writer(512);
    w.u8(VERSION).var(p.firstSeenWallMs).var(p.lastRecordMs).var(p.spans.size());
    for (InvocationSpan s : p.spans) {
      writeSpan(w, s);
    }
    w.bool(p.report != null);
    if (p.report != null) {
      writeEvent(w, p.report);
    }
    w.bool(p.decided).var(p.decidedWallMs).var(p.missingHalf).i64(p.reportTimeNanos).bool(p.deferred != null);
    if (p.deferred != null) {
      Deferred d = p.deferred;
      w.bool(d.coldstart()).str(d.initType()).f64(d.spanInitDurationSeconds()).svar(d.spanPeakRssBytes())
          .svar(d.maxMemoryBytes()).str(d.instance());
    }
    return w.toBytes();
  }

  @Override
  public PendingInvocation value(byte[] bytes) {
    Bin.Reader r = new Bin.Reader(bytes);
    int version = r.u8();
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown pending invocation encoding " + version);
    }
    PendingInvocation p = new PendingInvocation(r.var());
    p.lastRecordMs = r.var();
    int n = r.varInt();
    for (int i = 0; i < n; i++) {
      p.spans.add(readSpan(r));
    }
    if (r.bool()) {
      p.report = readEvent(r);
    }
    p.decided = r.bool();
    p.decidedWallMs = r.var();
    p.missingHalf = r.varInt();
    p.reportTimeNanos = r.i64();
    if (r.bool()) {
      p.deferred = new Deferred(r.bool(), r.str(), r.f64(), r.svar(), r.svar(), r.str());
    }
    return p;
  }

  static void writeSpan(Bin.Writer w, InvocationSpan s) {
    Codecs.write(w, s.id());
    w.str(s.version()).str(s.instance()).str(s.invocationId()).str(s.deliveryId())
        .i64(s.startEpochNanos()).i64(s.endEpochNanos()).str(s.trigger()).bool(s.coldstart()).str(s.initType())
        .str(s.outcome()).bool(s.provisional()).str(s.errorType()).str(s.errorMessage()).str(s.eventSource())
        .svar(s.timeoutMs()).svar(s.initDurationMs()).svar(s.peakRssBytes()).svar(s.maxMemoryBytes())
        .svar(s.droppedSpans()).svar(s.droppedEvents()).str(s.timeoutStack());
    w.var(s.records().size());
    for (InvocationSpan.DedupRecord rec : s.records()) {
      w.str(rec.source()).str(rec.key()).str(rec.messageId()).svar(rec.deliveryCount());
    }
    w.var(s.downstreamThrottles().size());
    for (InvocationSpan.DownstreamThrottle t : s.downstreamThrottles()) {
      w.str(t.service()).str(t.operation());
    }
    w.str(s.duplicateKind()).bool(s.knownDelivery());
  }

  static InvocationSpan readSpan(Bin.Reader r) {
    FunctionId id = Codecs.readId(r);
    String version = r.str();
    String instance = r.str();
    String invocationId = r.str();
    String deliveryId = r.str();
    long start = r.i64();
    long end = r.i64();
    String trigger = r.str();
    boolean cold = r.bool();
    String initType = r.str();
    String outcome = r.str();
    boolean provisional = r.bool();
    String errorType = r.str();
    String errorMessage = r.str();
    String eventSource = r.str();
    long timeout = r.svar();
    long init = r.svar();
    long rss = r.svar();
    long maxMem = r.svar();
    long droppedSpans = r.svar();
    long droppedEvents = r.svar();
    String stack = r.str();
    int n = r.varInt();
    List<InvocationSpan.DedupRecord> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      records.add(new InvocationSpan.DedupRecord(r.str(), r.str(), r.str(), r.svar()));
    }
    int m = r.varInt();
    List<InvocationSpan.DownstreamThrottle> throttles = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      throttles.add(new InvocationSpan.DownstreamThrottle(r.str(), r.str()));
    }
    String duplicateKind = r.str();
    boolean known = r.bool();
    return new InvocationSpan(id, version, instance, invocationId, deliveryId, start, end, trigger, cold, initType,
        outcome, provisional, errorType, errorMessage, eventSource, timeout, init, rss, maxMem, droppedSpans,
        droppedEvents, stack, List.copyOf(records), List.copyOf(throttles), duplicateKind, known, null);
  }

  static void writeEvent(Bin.Writer w, PlatformEvent e) {
    Codecs.write(w, e.id());
    w.str(e.version()).str(e.instance()).str(e.type()).str(e.invocationId())
        .i64(e.timeEpochNanos()).str(e.status()).str(e.errorType()).f64(e.durationMs()).svar(e.billedDurationMs())
        .f64(e.initDurationMs()).f64(e.restoreDurationMs()).svar(e.memorySizeMb()).svar(e.maxMemoryUsedMb())
        .str(e.initType()).str(e.phase());
  }

  static PlatformEvent readEvent(Bin.Reader r) {
    return new PlatformEvent(Codecs.readId(r), r.str(), r.str(), r.str(), r.str(), r.i64(), r.str(), r.str(),
        r.f64(), r.svar(), r.f64(), r.f64(), r.svar(), r.svar(), r.str(), r.str());
  }
}
