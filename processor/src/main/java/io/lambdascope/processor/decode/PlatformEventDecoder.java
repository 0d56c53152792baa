package io.lambdascope.processor.decode;

import io.lambdascope.processor.decode.OtlpFields.Key;
import io.lambdascope.processor.decode.ProtoReader.Malformed;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the value of a logs topic record, an {@code ExportLogsServiceRequest}, into
 * {@link PlatformEvent}s (docs/telemetry.md section 2), reading the protobuf in place. Log records
 * that are not platform events are someone else's telemetry: skipped, not failures.
 */
public final class PlatformEventDecoder {
  private static final int LD = ProtoReader.LENGTH_DELIMITED;

  private static final byte[] RESTORE_DURATION = "restoreDurationMs".getBytes(StandardCharsets.US_ASCII);

  private PlatformEventDecoder() {}

  /** Whether buf[start, end) holds the bytes of {@code needle}. */
  static boolean contains(byte[] buf, int start, int end, byte[] needle) {
    byte first = needle[0];
    for (int i = start; i <= end - needle.length; i++) {
      if (buf[i] == first && Arrays.equals(buf, i, i + needle.length, needle, 0, needle.length)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The platform events of an {@code ExportLogsServiceRequest}. An event that only makes its function
   * known ({@link PlatformEvent#registersOnly()}) is left out when another event of the same function
   * comes in the same resource: that one makes it known as well (platform.start and
   * platform.runtimeDone beside their report).
   */
  public static List<PlatformEvent> decode(byte[] value) throws Malformed, DecodeException {
    List<PlatformEvent> events = OtlpRead.request(value, PlatformEventDecoder::logRecord);
    return events.size() < 2 ? events : withoutRedundantRegistrations(events);
  }

  /** Per run of consecutive events of one function: its events that do more than register it, else its first. */
  private static List<PlatformEvent> withoutRedundantRegistrations(List<PlatformEvent> events) {
    List<PlatformEvent> out = new ArrayList<>(events.size());
    int n = events.size();
    int runStart = 0;
    while (runStart < n) {
      FunctionId id = events.get(runStart).id();
      int runEnd = runStart + 1;
      boolean more = !events.get(runStart).registersOnly();
      while (runEnd < n && sameFunction(events.get(runEnd).id(), id)) {
        more |= !events.get(runEnd).registersOnly();
        runEnd++;
      }
      if (more) {
        for (int i = runStart; i < runEnd; i++) {
          if (!events.get(i).registersOnly()) {
            out.add(events.get(i));
          }
        }
      } else {
        out.add(events.get(runStart));
      }
      runStart = runEnd;
    }
    return out;
  }

  private static boolean sameFunction(FunctionId a, FunctionId b) {
    return a == b || a.equals(b);
  }

  /** Event types, recognized by their bytes: the name of a known one is its constant, not a new string. */
  private static final String[] TYPES = {PlatformEvent.START, PlatformEvent.RUNTIME_DONE, PlatformEvent.REPORT,
      PlatformEvent.INIT_START, PlatformEvent.INIT_RUNTIME_DONE, PlatformEvent.INIT_REPORT, PlatformEvent.THROTTLE,
      PlatformEvent.UNINSTRUMENTED};
  private static final byte[][] TYPE_BYTES = new byte[TYPES.length][];

  static {
    for (int i = 0; i < TYPES.length; i++) {
      TYPE_BYTES[i] = TYPES[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The type named by buf[start, start + length): a known type's constant, else a new string. */
  private static String type(byte[] buf, int start, int length) {
    for (int i = 0; i < TYPE_BYTES.length; i++) {
      byte[] t = TYPE_BYTES[i];
      if (t.length == length && Arrays.equals(t, 0, length, buf, start, start + length)) {
        return TYPES[i];
      }
    }
    return new String(buf, start, length, StandardCharsets.UTF_8);
  }

  /**
   * Where the attributes of a log record are (the start and end of each one's {@code AnyValue}, 0 and
   * 0 when absent; the last one of a key counts): values are read once the event's type says which
   * the processor uses.
   */
  private static final class Fields implements OtlpRead.Attributes {
    private static final int TYPE = 0;
    private static final int INVOCATION_ID = 1;
    private static final int STATUS = 2;
    private static final int ERROR_TYPE = 3;
    private static final int DURATION = 4;
    private static final int BILLED = 5;
    private static final int INIT = 6;
    private static final int RESTORE = 7;
    private static final int MEMORY_SIZE = 8;
    private static final int MAX_USED = 9;
    private static final int INIT_TYPE = 10;
    private static final int PHASE = 11;

    final int[] at = new int[24];

    @Override
    public void attribute(Key k, ProtoReader r, int s, int e) {
      int slot = switch (k) {
        case EVENT_NAME -> TYPE;
        case INVOCATION_ID -> INVOCATION_ID;
        case PLATFORM_STATUS -> STATUS;
        case PLATFORM_ERROR_TYPE -> ERROR_TYPE;
        case PLATFORM_DURATION -> DURATION;
        case PLATFORM_BILLED -> BILLED;
        case PLATFORM_INIT_DURATION -> INIT;
        case PLATFORM_RESTORE_DURATION -> RESTORE;
        case PLATFORM_MEMORY_SIZE -> MEMORY_SIZE;
        case PLATFORM_MAX_MEMORY_USED -> MAX_USED;
        case PLATFORM_INIT_TYPE -> INIT_TYPE;
        case PLATFORM_PHASE -> PHASE;
        default -> -1;
      };
      if (slot >= 0) {
        at[2 * slot] = s;
        at[2 * slot + 1] = e;
      }
    }

    boolean has(int slot) {
      return at[2 * slot + 1] > 0; // a value is past its key: it ends after 0
    }

    String string(ProtoReader r, int slot) throws Malformed {
      return has(slot) ? OtlpFields.string(r, at[2 * slot], at[2 * slot + 1]) : null;
    }

    double decimal(ProtoReader r, int slot) throws Malformed {
      return has(slot) ? OtlpFields.decimal(r, at[2 * slot], at[2 * slot + 1]) : Double.NaN;
    }

    long number(ProtoReader r, int slot) throws Malformed {
      return has(slot) ? OtlpFields.number(r, at[2 * slot], at[2 * slot + 1]) : -1;
    }

    /** The event's type as {@code event.name} says it (a string value), or null. */
    String type(ProtoReader r) throws Malformed {
      if (!has(TYPE)) {
        return null;
      }
      long string = OtlpFields.stringBytes(r, at[2 * TYPE], at[2 * TYPE + 1]);
      if (string >= 0) { // else none, or a value of another kind too: read as the other attributes are
        return PlatformEventDecoder.type(r.buf, (int) (string >>> 32), (int) string);
      }
      return OtlpFields.string(r, at[2 * TYPE], at[2 * TYPE + 1]);
    }
  }

  /** LogRecord: 1 time, 11 observed time, 5 body, 6 attributes, 12 event_name. */
  private static PlatformEvent logRecord(ProtoReader r, int length, OtlpAttributes.ResourceFacts resource)
      throws Malformed, DecodeException {
    int outer = r.enter(length);
    Fields f = new Fields();
    long time = 0;
    long observed = 0;
    int bodyStart = -1;
    int bodyEnd = -1;
    int nameStart = -1;
    int nameLength = 0;
    while (r.more()) {
      int tag = r.tag();
      switch (tag) {
        case 1 << 3 | ProtoReader.FIXED64 -> time = r.fixed64();
        case 11 << 3 | ProtoReader.FIXED64 -> observed = r.fixed64();
        case 5 << 3 | LD -> {
          int n = r.length();
          bodyStart = r.pos;
          bodyEnd = r.pos + n;
          r.pos += n;
        }
        case 6 << 3 | LD -> OtlpRead.keyValue(r, r.length(), f);
        case 12 << 3 | LD -> {
          nameLength = r.length();
          nameStart = r.pos;
          r.pos += nameLength;
        }
        default -> r.skip(tag & 7);
      }
    }
    int end = r.limit;
    String type = f.type(r);
    if ((type == null || type.isEmpty()) && nameStart >= 0) {
      type = type(r.buf, nameStart, nameLength);
    }
    if (type == null || !(type.startsWith("platform.") || type.startsWith("lambdascope."))) {
      r.leave(outer);
      return null;
    }
    if (resource.name() == null) {
      throw new DecodeException(DecodeException.MISSING_FUNCTION, "platform event " + type + " has no faas.name");
    }
    long when = time != 0 ? time : observed;
    if (PlatformEvent.registersOnly(type)) {
      // Only makes its function known: the rest of it is not read.
      r.pos = end;
      r.leave(outer);
      return new PlatformEvent(resource.id(null), resource.version(), resource.instance(), type, null, when, null,
          null, Double.NaN, -1, Double.NaN, Double.NaN, -1, -1, null, null);
    }
    String initType = f.string(r, Fields.INIT_TYPE);
    String phase = f.string(r, Fields.PHASE);
    double restore = f.decimal(r, Fields.RESTORE);
    // Figures the collector may have left in the body only (the event's record, as JSON): a report's
    // restore duration (only SnapStart reports have one, so the bytes are looked at first).
    if (bodyStart >= 0 && ((PlatformEvent.REPORT.equals(type) && Double.isNaN(restore)
        && contains(r.buf, bodyStart, bodyEnd, RESTORE_DURATION))
        || (type.startsWith("platform.init") && initType == null))) {
      String body = OtlpFields.string(r, bodyStart, bodyEnd);
      if (PlatformEvent.REPORT.equals(type)) {
        restore = OtlpAttributes.jsonNumber(body, "restoreDurationMs");
      } else {
        initType = OtlpAttributes.jsonString(body, "initializationType");
        phase = phase == null ? OtlpAttributes.jsonString(body, "phase") : phase;
      }
    }
    PlatformEvent event = new PlatformEvent(resource.id(null), resource.version(), resource.instance(), type,
        f.string(r, Fields.INVOCATION_ID), when, f.string(r, Fields.STATUS), f.string(r, Fields.ERROR_TYPE),
        f.decimal(r, Fields.DURATION), f.number(r, Fields.BILLED), f.decimal(r, Fields.INIT), restore,
        f.number(r, Fields.MEMORY_SIZE), f.number(r, Fields.MAX_USED), initType, phase);
    r.pos = end;
    r.leave(outer);
    return event;
  }
}
