package io.lambdascope.processor.join;

import static io.lambdascope.processor.state.StoreCodec.readString;
import static io.lambdascope.processor.state.StoreCodec.writeString;

import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.state.StoreCodec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;

/** The encodings of the join's stores (their changelogs hold these bytes: keep reading what is there). */
public final class JoinCodec {
  private JoinCodec() {}

  public static final Serde<PendingInvocation> PENDING = StoreCodec.serde(JoinCodec::writePending, JoinCodec::readPending);
  public static final Serde<FinalizedMarker> MARKER = StoreCodec.serde(JoinCodec::writeMarker, JoinCodec::readMarker);

  private static void writePending(DataOutputStream out, PendingInvocation p) throws IOException {
    out.writeLong(p.firstSeenWallMs());
    out.writeShort(p.spans().size());
    for (InvocationSpan s : p.spans()) {
      writeSpan(out, s);
    }
    out.writeBoolean(p.report() != null);
    if (p.report() != null) {
      writeEvent(out, p.report());
    }
  }

  private static PendingInvocation readPending(DataInputStream in) throws IOException {
    long first = in.readLong();
    int n = in.readUnsignedShort();
    List<InvocationSpan> spans = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      spans.add(readSpan(in));
    }
    PlatformEvent report = in.readBoolean() ? readEvent(in) : null;
    return new PendingInvocation(first, List.copyOf(spans), report);
  }

  private static void writeSpan(DataOutputStream out, InvocationSpan s) throws IOException {
    writeString(out, s.function());
    writeString(out, s.invocationId());
    writeString(out, s.deliveryId());
    out.writeLong(s.recordTimestampMs());
    out.writeLong(s.startEpochNanos());
    out.writeLong(s.endEpochNanos());
    writeString(out, s.trigger());
    out.writeBoolean(s.coldstart());
    writeString(out, s.outcome());
    out.writeBoolean(s.provisional());
    writeString(out, s.errorType());
    writeString(out, s.errorMessage());
    writeString(out, s.eventSource());
    out.writeLong(s.timeoutMs());
    out.writeLong(s.initDurationMs());
    out.writeLong(s.peakRssBytes());
    out.writeLong(s.maxMemoryBytes());
    out.writeLong(s.droppedSpans());
    writeString(out, s.timeoutStack());
    out.writeShort(s.records().size());
    for (InvocationSpan.DedupRecord r : s.records()) {
      writeString(out, r.source());
      writeString(out, r.key());
      writeString(out, r.messageId());
      out.writeLong(r.deliveryCount());
    }
    out.writeShort(s.downstreamThrottles().size());
    for (InvocationSpan.DownstreamThrottle t : s.downstreamThrottles()) {
      writeString(out, t.service());
      writeString(out, t.operation());
    }
  }

  private static InvocationSpan readSpan(DataInputStream in) throws IOException {
    String function = readString(in);
    String invocationId = readString(in);
    String deliveryId = readString(in);
    long ts = in.readLong();
    long start = in.readLong();
    long end = in.readLong();
    String trigger = readString(in);
    boolean cold = in.readBoolean();
    String outcome = readString(in);
    boolean provisional = in.readBoolean();
    String errorType = readString(in);
    String errorMessage = readString(in);
    String eventSource = readString(in);
    long timeout = in.readLong();
    long init = in.readLong();
    long rss = in.readLong();
    long maxMem = in.readLong();
    long dropped = in.readLong();
    String stack = readString(in);
    int n = in.readUnsignedShort();
    List<InvocationSpan.DedupRecord> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      records.add(new InvocationSpan.DedupRecord(readString(in), readString(in), readString(in), in.readLong()));
    }
    int m = in.readUnsignedShort();
    List<InvocationSpan.DownstreamThrottle> throttles = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      throttles.add(new InvocationSpan.DownstreamThrottle(readString(in), readString(in)));
    }
    return new InvocationSpan(function, invocationId, deliveryId, ts, start, end, trigger, cold, outcome,
        provisional, errorType, errorMessage, eventSource, timeout, init, rss, maxMem, dropped, stack,
        List.copyOf(records), List.copyOf(throttles));
  }

  private static void writeEvent(DataOutputStream out, PlatformEvent e) throws IOException {
    writeString(out, e.function());
    writeString(out, e.type());
    writeString(out, e.invocationId());
    out.writeLong(e.recordTimestampMs());
    out.writeLong(e.timeEpochNanos());
    writeString(out, e.status());
    writeString(out, e.errorType());
    out.writeDouble(e.durationMs());
    out.writeDouble(e.initDurationMs());
    out.writeLong(e.memorySizeMb());
    out.writeLong(e.maxMemoryUsedMb());
    writeString(out, e.throttleReason());
  }

  private static PlatformEvent readEvent(DataInputStream in) throws IOException {
    return new PlatformEvent(readString(in), readString(in), readString(in), in.readLong(), in.readLong(),
        readString(in), readString(in), in.readDouble(), in.readDouble(), in.readLong(), in.readLong(),
        readString(in));
  }

  private static void writeMarker(DataOutputStream out, FinalizedMarker m) throws IOException {
    out.writeBoolean(m.hadReport());
    out.writeShort(m.deliveryIds().size());
    for (String id : m.deliveryIds()) {
      writeString(out, id);
    }
  }

  private static FinalizedMarker readMarker(DataInputStream in) throws IOException {
    boolean hadReport = in.readBoolean();
    int n = in.readUnsignedShort();
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ids.add(readString(in));
    }
    return new FinalizedMarker(List.copyOf(ids), hadReport);
  }
}
