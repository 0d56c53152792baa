package io.lambdascope.processor.decode;

import java.util.Arrays;

/**
 * The OTLP attribute keys and event names the decoders read, found by their UTF-8 bytes in the
 * record without making a string of every key; and {@code AnyValue} read leniently (JSON clients send
 * numbers as strings).
 */
final class OtlpFields {
  private OtlpFields() {}

  /** Attribute keys of interest, on resources, spans, span events and log records. */
  enum Key {
    TENANT("lambdascope.tenant"),
    ACCOUNT("cloud.account.id"),
    REGION("cloud.region"),
    FAAS_NAME("faas.name"),
    SERVICE_NAME("service.name"),
    RESOURCE_ID("cloud.resource_id"),
    INVOKED_ARN("aws.lambda.invoked_arn"),
    VERSION("faas.version"),
    INSTANCE("faas.instance"),
    MAX_MEMORY("faas.max_memory"),
    HOST_ARCH("host.arch"),
    INVOCATION_ID("faas.invocation_id"),
    TRIGGER("faas.trigger"),
    COLDSTART("faas.coldstart"),
    INIT_TYPE("lambdascope.init.type"),
    OUTCOME("lambdascope.outcome"),
    PROVISIONAL("lambdascope.timeout.provisional"),
    ERROR_TYPE("error.type"),
    EVENT_SOURCE("lambdascope.event.source"),
    TIMEOUT_MS("lambdascope.function.timeout_ms"),
    INIT_DURATION_MS("lambdascope.init.duration_ms"),
    PEAK_RSS("lambdascope.memory.peak_rss_bytes"),
    DROPPED_SPANS("lambdascope.agent.dropped_spans"),
    DROPPED_EVENTS("lambdascope.agent.dropped_events"),
    DEDUP_SOURCE("lambdascope.dedup.source"),
    DEDUP_KEY("lambdascope.dedup.key"),
    MESSAGE_ID("messaging.message.id"),
    DELIVERY_COUNT("lambdascope.delivery.count"),
    RPC_SERVICE("rpc.service"),
    RPC_METHOD("rpc.method"),
    TIMEOUT_STACK("lambdascope.timeout.stacktrace"),
    EXCEPTION_MESSAGE("exception.message"),
    EVENT_NAME("event.name"),
    PLATFORM_STATUS("lambdascope.platform.status"),
    PLATFORM_ERROR_TYPE("lambdascope.platform.error_type"),
    PLATFORM_DURATION("lambdascope.platform.duration_ms"),
    PLATFORM_BILLED("lambdascope.platform.billed_duration_ms"),
    PLATFORM_INIT_DURATION("lambdascope.platform.init_duration_ms"),
    PLATFORM_RESTORE_DURATION("lambdascope.platform.restore_duration_ms"),
    PLATFORM_MEMORY_SIZE("lambdascope.platform.memory_size_mb"),
    PLATFORM_MAX_MEMORY_USED("lambdascope.platform.max_memory_used_mb"),
    PLATFORM_INIT_TYPE("lambdascope.platform.init_type"),
    PLATFORM_PHASE("lambdascope.platform.phase");

    final byte[] utf8;

    Key(String name) {
      this.utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** Span event names of interest. */
  enum Event {
    RECORD("lambdascope.record"),
    DOWNSTREAM_THROTTLE("lambdascope.downstream_throttle"),
    TIMEOUT("lambdascope.timeout"),
    EXCEPTION("exception");

    final byte[] utf8;

    Event(String name) {
      this.utf8 = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static final Key[][] KEYS_BY_LENGTH = byLength(Key.values(), k -> k.utf8, Key[]::new, Key[][]::new);
  private static final byte[][][] KEY_BYTES_BY_LENGTH = bytes(KEYS_BY_LENGTH, k -> k.utf8);
  private static final Event[][] EVENTS_BY_LENGTH =
      byLength(Event.values(), e -> e.utf8, Event[]::new, Event[][]::new);
  private static final byte[][][] EVENT_BYTES_BY_LENGTH = bytes(EVENTS_BY_LENGTH, e -> e.utf8);

  /** The key whose UTF-8 bytes are buf[start, start + length), or null. */
  static Key key(byte[] buf, int start, int length) {
    int i = find(KEY_BYTES_BY_LENGTH, buf, start, length);
    return i < 0 ? null : KEYS_BY_LENGTH[length][i];
  }

  static Event event(byte[] buf, int start, int length) {
    int i = find(EVENT_BYTES_BY_LENGTH, buf, start, length);
    return i < 0 ? null : EVENTS_BY_LENGTH[length][i];
  }

  /** The index among the candidates of this length whose bytes match, or -1; the last byte is compared first. */
  private static int find(byte[][][] byLength, byte[] buf, int start, int length) {
    if (length == 0 || length >= byLength.length || byLength[length] == null) {
      return -1;
    }
    byte[][] candidates = byLength[length];
    byte last = buf[start + length - 1];
    for (int i = 0; i < candidates.length; i++) {
      byte[] c = candidates[i];
      if (c[length - 1] == last && Arrays.equals(c, 0, length, buf, start, start + length)) {
        return i;
      }
    }
    return -1;
  }

  private static <T> byte[][][] bytes(T[][] byLength, java.util.function.Function<T, byte[]> bytes) {
    byte[][][] out = new byte[byLength.length][][];
    for (int n = 0; n < byLength.length; n++) {
      if (byLength[n] != null) {
        out[n] = new byte[byLength[n].length][];
        for (int i = 0; i < byLength[n].length; i++) {
          out[n][i] = bytes.apply(byLength[n][i]);
        }
      }
    }
    return out;
  }

  private static <T> T[][] byLength(T[] all, java.util.function.Function<T, byte[]> bytes,
      java.util.function.IntFunction<T[]> array, java.util.function.IntFunction<T[][]> arrays) {
    int max = 0;
    for (T t : all) {
      max = Math.max(max, bytes.apply(t).length);
    }
    T[][] out = arrays.apply(max + 1);
    for (T t : all) {
      int n = bytes.apply(t).length;
      T[] old = out[n] == null ? array.apply(0) : out[n];
      T[] grown = Arrays.copyOf(old, old.length + 1);
      grown[old.length] = t;
      out[n] = grown;
    }
    return out;
  }

  // ---- AnyValue, at [start, end) of the reader's buffer: 1 string, 2 bool, 3 int, 4 double

  private static final int STRING = 1;
  private static final int BOOL = 2;
  private static final int INT = 3;
  private static final int DOUBLE = 4;

  /** The value as text (numbers and booleans written out); null for other kinds. */
  static String string(ProtoReader r, int start, int end) throws ProtoReader.Malformed {
    long outer = bound(r, start, end);
    String out = null;
    while (r.more()) {
      int tag = r.tag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == STRING && wire == ProtoReader.LENGTH_DELIMITED) {
        int n = r.length();
        out = r.string(r.pos, n);
        r.pos += n;
      } else if (field == BOOL && wire == ProtoReader.VARINT) {
        out = Boolean.toString(r.varint() != 0);
      } else if (field == INT && wire == ProtoReader.VARINT) {
        out = Long.toString(r.varint());
      } else if (field == DOUBLE && wire == ProtoReader.FIXED64) {
        out = Double.toString(Double.longBitsToDouble(r.fixed64()));
      } else {
        r.skip(wire);
      }
    }
    restore(r, outer);
    return out;
  }

  /**
   * Where the value's string is, as {@code start << 32 | length}: -1 when it has none, -2 when it
   * has a value of another kind as well (then {@link #string} says what it is).
   */
  static long stringBytes(ProtoReader r, int start, int end) throws ProtoReader.Malformed {
    long outer = bound(r, start, end);
    long out = -1;
    while (r.more()) {
      int tag = r.tag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == STRING && wire == ProtoReader.LENGTH_DELIMITED) {
        int n = r.length();
        out = out == -2 ? -2 : (long) r.pos << 32 | n;
        r.pos += n;
      } else {
        if ((field == BOOL || field == INT) && wire == ProtoReader.VARINT
            || field == DOUBLE && wire == ProtoReader.FIXED64) {
          out = -2;
        }
        r.skip(wire);
      }
    }
    restore(r, outer);
    return out;
  }

  /** The value as an integer: ints as sent, doubles truncated, numeric strings parsed; -1 otherwise. */
  static long number(ProtoReader r, int start, int end) throws ProtoReader.Malformed {
    double d = decimal(r, start, end);
    return Double.isNaN(d) ? -1 : (long) d;
  }

  /** The value as a double: numbers as sent, numeric strings parsed; NaN otherwise. */
  static double decimal(ProtoReader r, int start, int end) throws ProtoReader.Malformed {
    long outer = bound(r, start, end);
    double out = Double.NaN;
    while (r.more()) {
      int tag = r.tag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == INT && wire == ProtoReader.VARINT) {
        out = r.varint();
      } else if (field == DOUBLE && wire == ProtoReader.FIXED64) {
        out = Double.longBitsToDouble(r.fixed64());
      } else if (field == STRING && wire == ProtoReader.LENGTH_DELIMITED) {
        int n = r.length();
        try {
          out = Double.parseDouble(r.string(r.pos, n));
        } catch (NumberFormatException e) {
          out = Double.NaN;
        }
        r.pos += n;
      } else {
        r.skip(wire);
      }
    }
    restore(r, outer);
    return out;
  }

  /** The value as a boolean: a bool, or the string "true"; false otherwise. */
  static boolean bool(ProtoReader r, int start, int end) throws ProtoReader.Malformed {
    long outer = bound(r, start, end);
    boolean out = false;
    while (r.more()) {
      int tag = r.tag();
      int field = tag >>> 3;
      int wire = tag & 7;
      if (field == BOOL && wire == ProtoReader.VARINT) {
        out = r.varint() != 0;
      } else if (field == STRING && wire == ProtoReader.LENGTH_DELIMITED) {
        int n = r.length();
        out = "true".equalsIgnoreCase(r.string(r.pos, n));
        r.pos += n;
      } else {
        r.skip(wire);
      }
    }
    restore(r, outer);
    return out;
  }

  /** Points the cursor at a value read out of order; returns the cursor to go back to ({@link #restore}). */
  private static long bound(ProtoReader r, int start, int end) {
    long saved = ((long) r.pos << 32) | (r.limit & 0xFFFFFFFFL);
    r.pos = start;
    r.limit = end;
    return saved;
  }

  private static void restore(ProtoReader r, long saved) {
    r.pos = (int) (saved >>> 32);
    r.limit = (int) saved;
  }
}
