package io.lambdascope.processor.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** Compact binary encodings of what the state stores hold (a version byte leads each value). */
public final class Codec {
  private static final int VERSION = 1;

  private Codec() {}

  public static final Serde<Pending> PENDING = serde(Codec::writePending, Codec::readPending);
  public static final Serde<FunctionState> FUNCTION = serde(Codec::writeFunction, Codec::readFunction);
  public static final Serde<FinalizedMarker> MARKER = serde(Codec::writeMarker, Codec::readMarker);

  /** A finalized invocation: the span ids it used and whether a platform report was part of it. */
  public record FinalizedMarker(List<String> deliveryIds, boolean hadReport) {}

  interface Writer<T> {
    void write(DataOutputStream out, T value) throws IOException;
  }

  interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  static <T> Serde<T> serde(Writer<T> writer, Reader<T> reader) {
    Serializer<T> ser = (topic, value) -> {
      if (value == null) {
        return null;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeByte(VERSION);
        writer.write(out, value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    };
    Deserializer<T> de = (topic, data) -> {
      if (data == null) {
        return null;
      }
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
          throw new IllegalStateException("unknown state encoding version " + version);
        }
        return reader.read(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    return Serdes.serdeFrom(ser, de);
  }

  private static void writePending(DataOutputStream out, Pending p) throws IOException {
    out.writeLong(p.firstSeenWallMs());
    out.writeShort(p.spans().size());
    for (SpanFragment s : p.spans()) {
      writeSpan(out, s);
    }
    out.writeBoolean(p.report() != null);
    if (p.report() != null) {
      writeEvent(out, p.report());
    }
  }

  private static Pending readPending(DataInputStream in) throws IOException {
    long first = in.readLong();
    int n = in.readUnsignedShort();
    List<SpanFragment> spans = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      spans.add(readSpan(in));
    }
    PlatformEvent report = in.readBoolean() ? readEvent(in) : null;
    return new Pending(first, List.copyOf(spans), report);
  }

  static void writeSpan(DataOutputStream out, SpanFragment s) throws IOException {
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
    for (SpanFragment.DedupRecord r : s.records()) {
      writeString(out, r.source());
      writeString(out, r.key());
      writeString(out, r.messageId());
      out.writeLong(r.deliveryCount());
    }
    out.writeShort(s.downstreamThrottles().size());
    for (SpanFragment.DownstreamThrottle t : s.downstreamThrottles()) {
      writeString(out, t.service());
      writeString(out, t.operation());
    }
  }

  static SpanFragment readSpan(DataInputStream in) throws IOException {
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
    List<SpanFragment.DedupRecord> records = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      records.add(new SpanFragment.DedupRecord(readString(in), readString(in), readString(in), in.readLong()));
    }
    int m = in.readUnsignedShort();
    List<SpanFragment.DownstreamThrottle> throttles = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      throttles.add(new SpanFragment.DownstreamThrottle(readString(in), readString(in)));
    }
    return new SpanFragment(function, invocationId, deliveryId, ts, start, end, trigger, cold, outcome,
        provisional, errorType, errorMessage, eventSource, timeout, init, rss, maxMem, dropped, stack,
        List.copyOf(records), List.copyOf(throttles));
  }

  static void writeEvent(DataOutputStream out, PlatformEvent e) throws IOException {
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

  static PlatformEvent readEvent(DataInputStream in) throws IOException {
    return new PlatformEvent(readString(in), readString(in), readString(in), in.readLong(), in.readLong(),
        readString(in), readString(in), in.readDouble(), in.readDouble(), in.readLong(), in.readLong(),
        readString(in));
  }

  private static void writeFunction(DataOutputStream out, FunctionState f) throws IOException {
    out.writeLong(f.lastSpanMs());
    out.writeLong(f.lastReportMs());
    out.writeLong(f.timeoutMs());
    out.writeLong(f.maxMemoryBytes());
    out.writeLong(f.lastMemoryBytes());
    out.writeLong(f.windowStartMs());
    out.writeByte(FunctionState.COUNTERS);
    for (int i = 0; i < FunctionState.COUNTERS; i++) {
      out.writeLong(f.current()[i]);
      out.writeLong(f.previous()[i]);
    }
  }

  private static FunctionState readFunction(DataInputStream in) throws IOException {
    long lastSpan = in.readLong();
    long lastReport = in.readLong();
    long timeout = in.readLong();
    long maxMem = in.readLong();
    long lastMem = in.readLong();
    long windowStart = in.readLong();
    int n = in.readUnsignedByte();
    long[] cur = new long[FunctionState.COUNTERS];
    long[] prev = new long[FunctionState.COUNTERS];
    for (int i = 0; i < n; i++) {
      long c = in.readLong();
      long p = in.readLong();
      if (i < FunctionState.COUNTERS) {
        cur[i] = c;
        prev[i] = p;
      }
    }
    return new FunctionState(lastSpan, lastReport, timeout, maxMem, lastMem, windowStart, cur, prev);
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

  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = in.readNBytes(n);
    return new String(b, java.nio.charset.StandardCharsets.UTF_8);
  }
}
