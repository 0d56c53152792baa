package io.lambdascope.processor.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Compact binary encodings of what the state stores hold (a version byte leads each value). The
 * changelogs hold these bytes: a change here must still read what is already there.
 */
public final class StoreCodec {
  private static final int VERSION = 1;

  private StoreCodec() {}

  public static final Serde<FunctionState> FUNCTION_STATE = serde(StoreCodec::writeFunction, StoreCodec::readFunction);

  /** Writes one value's fields after the version byte. */
  public interface Writer<T> {
    void write(DataOutputStream out, T value) throws IOException;
  }

  /** Reads one value's fields after the version byte. */
  public interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  public static <T> Serde<T> serde(Writer<T> writer, Reader<T> reader) {
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

  /** A string as its UTF-8 length (-1 for null) and bytes. */
  public static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  public static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = in.readNBytes(n);
    return new String(b, StandardCharsets.UTF_8);
  }
}
