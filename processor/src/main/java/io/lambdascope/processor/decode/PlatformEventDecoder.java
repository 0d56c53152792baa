package io.lambdascope.processor.decode;

import io.lambdascope.processor.decode.OtlpFields.Key;
import io.lambdascope.processor.decode.ProtoReader.Malformed;
import java.nio.charset.StandardCharsets;
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

  /** The platform events of an {@code ExportLogsServiceRequest}. */
  public static List<PlatformEvent> decode(byte[] value) throws Malformed, DecodeException {
    return OtlpRead.request(value, PlatformEventDecoder::logRecord);
  }

  /** The attributes of a log record, as they are read. */
  private static final class Fields implements OtlpRead.Attributes {
    String type;
    String invocationId;
    String status;
    String errorType;
    double duration = Double.NaN;
    long billed = -1;
    double init = Double.NaN;
    double restore = Double.NaN;
    long memorySize = -1;
    long maxUsed = -1;
    String initType;
    String phase;

    @Override
    public void attribute(Key k, ProtoReader r, int s, int e) throws Malformed {
      switch (k) {
        case EVENT_NAME -> type = OtlpFields.string(r, s, e);
        case INVOCATION_ID -> invocationId = OtlpFields.string(r, s, e);
        case PLATFORM_STATUS -> status = OtlpFields.string(r, s, e);
        case PLATFORM_ERROR_TYPE -> errorType = OtlpFields.string(r, s, e);
        case PLATFORM_DURATION -> duration = OtlpFields.decimal(r, s, e);
        case PLATFORM_BILLED -> billed = OtlpFields.number(r, s, e);
        case PLATFORM_INIT_DURATION -> init = OtlpFields.decimal(r, s, e);
        case PLATFORM_RESTORE_DURATION -> restore = OtlpFields.decimal(r, s, e);
        case PLATFORM_MEMORY_SIZE -> memorySize = OtlpFields.number(r, s, e);
        case PLATFORM_MAX_MEMORY_USED -> maxUsed = OtlpFields.number(r, s, e);
        case PLATFORM_INIT_TYPE -> initType = OtlpFields.string(r, s, e);
        case PLATFORM_PHASE -> phase = OtlpFields.string(r, s, e);
        default -> { }
      }
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
    String type = f.type;
    if ((type == null || type.isEmpty()) && nameStart >= 0) {
      type = r.string(nameStart, nameLength);
    }
    if (type == null || !(type.startsWith("platform.") || type.startsWith("lambdascope."))) {
      r.leave(outer);
      return null;
    }
    if (resource.name() == null) {
      throw new DecodeException(DecodeException.MISSING_FUNCTION, "platform event " + type + " has no faas.name");
    }
    // Figures the collector may have left in the body only (the event's record, as JSON): a report's
    // restore duration (only SnapStart reports have one, so the bytes are looked at first).
    if (bodyStart >= 0 && ((PlatformEvent.REPORT.equals(type) && Double.isNaN(f.restore)
        && contains(r.buf, bodyStart, bodyEnd, RESTORE_DURATION))
        || (type.startsWith("platform.init") && f.initType == null))) {
      String body = OtlpFields.string(r, bodyStart, bodyEnd);
      if (PlatformEvent.REPORT.equals(type)) {
        f.restore = OtlpAttributes.jsonNumber(body, "restoreDurationMs");
      } else {
        f.initType = OtlpAttributes.jsonString(body, "initializationType");
        f.phase = f.phase == null ? OtlpAttributes.jsonString(body, "phase") : f.phase;
      }
    }
    r.pos = end;
    r.leave(outer);
    return new PlatformEvent(resource.id(null), resource.version(), resource.instance(), type, f.invocationId,
        time != 0 ? time : observed, f.status, f.errorType, f.duration, f.billed, f.init, f.restore, f.memorySize,
        f.maxUsed, f.initType, f.phase);
  }
}
