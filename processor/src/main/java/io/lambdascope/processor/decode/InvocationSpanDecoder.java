package io.lambdascope.processor.decode;

import io.lambdascope.processor.decode.OtlpFields.Key;
import io.lambdascope.processor.decode.ProtoReader.Malformed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the value of a spans topic record, an {@code ExportTraceServiceRequest}, into
 * {@link InvocationSpan}s (docs/telemetry.md section 1), reading the protobuf in place: only the
 * fields the processor uses become values. Spans that are not invocation spans (no {@code
 * faas.invocation_id}) are someone else's telemetry: skipped, not failures.
 */
public final class InvocationSpanDecoder {
  private static final int MAX_STACK_CHARS = 16 * 1024;
  private static final int MAX_MESSAGE_CHARS = 1024;
  private static final int LD = ProtoReader.LENGTH_DELIMITED;

  private InvocationSpanDecoder() {}

  /** The invocation spans of an {@code ExportTraceServiceRequest}. */
  public static List<InvocationSpan> decode(byte[] value) throws Malformed, DecodeException {
    return OtlpRead.request(value, InvocationSpanDecoder::span);
  }

  /** The attributes of a span, as they are read. */
  private static final class Fields implements OtlpRead.Attributes {
    String invocationId;
    String trigger;
    boolean coldstart;
    String initType;
    String outcome;
    boolean provisional;
    String errorType;
    String eventSource;
    String arn;
    long timeoutMs = -1;
    long initMs = -1;
    long rss = -1;
    long droppedSpans = -1;
    long droppedEvents = -1;

    @Override
    public void attribute(Key k, ProtoReader r, int s, int e) throws Malformed {
      switch (k) {
        case INVOCATION_ID -> invocationId = OtlpFields.string(r, s, e);
        case TRIGGER -> trigger = OtlpFields.string(r, s, e);
        case COLDSTART -> coldstart = OtlpFields.bool(r, s, e);
        case INIT_TYPE -> initType = OtlpFields.string(r, s, e);
        case OUTCOME -> outcome = OtlpFields.string(r, s, e);
        case PROVISIONAL -> provisional = OtlpFields.bool(r, s, e);
        case ERROR_TYPE -> errorType = OtlpFields.string(r, s, e);
        case EVENT_SOURCE -> eventSource = OtlpFields.string(r, s, e);
        case RESOURCE_ID, INVOKED_ARN -> arn = arn == null ? OtlpFields.string(r, s, e) : arn;
        case TIMEOUT_MS -> timeoutMs = OtlpFields.number(r, s, e);
        case INIT_DURATION_MS -> initMs = OtlpFields.number(r, s, e);
        case PEAK_RSS -> rss = OtlpFields.number(r, s, e);
        case DROPPED_SPANS -> droppedSpans = OtlpFields.number(r, s, e);
        case DROPPED_EVENTS -> droppedEvents = OtlpFields.number(r, s, e);
        default -> { }
      }
    }
  }

  /** The attributes of one span event, as they are read. */
  private static final class EventFields implements OtlpRead.Attributes {
    String source;
    String key;
    String messageId;
    long deliveryCount;
    String service;
    String operation;
    String text;

    @Override
    public void attribute(Key k, ProtoReader r, int s, int e) throws Malformed {
      switch (k) {
        case DEDUP_SOURCE -> source = OtlpFields.string(r, s, e);
        case DEDUP_KEY -> key = OtlpFields.string(r, s, e);
        case MESSAGE_ID -> messageId = OtlpFields.string(r, s, e);
        case DELIVERY_COUNT -> deliveryCount = OtlpFields.number(r, s, e);
        case RPC_SERVICE -> service = OtlpFields.string(r, s, e);
        case RPC_METHOD -> operation = OtlpFields.string(r, s, e);
        case TIMEOUT_STACK, EXCEPTION_MESSAGE -> text = OtlpFields.string(r, s, e);
        default -> { }
      }
    }

    void clear() {
      source = null;
      key = null;
      messageId = null;
      deliveryCount = -1;
      service = null;
      operation = null;
      text = null;
    }
  }

  /**
   * Span: 1 trace_id, 2 span_id, 7 start, 8 end, 9 attributes, 11 events, 15 status (2 message, 3
   * code). Its events are read once its attributes are known.
   */
  private static InvocationSpan span(ProtoReader r, int length, OtlpAttributes.ResourceFacts resource)
      throws Malformed, DecodeException {
    int outer = r.enter(length);
    Fields f = new Fields();
    int traceStart = 0;
    int traceLength = 0;
    int spanStart = 0;
    int spanLength = 0;
    long start = 0;
    long end = 0;
    int[] events = null;
    int eventCount = 0;
    String statusMessage = "";
    boolean statusError = false;
    while (r.more()) {
      int tag = r.tag();
      switch (tag) {
        case 1 << 3 | LD -> {
          traceLength = r.length();
          traceStart = r.pos;
          r.pos += traceLength;
        }
        case 2 << 3 | LD -> {
          spanLength = r.length();
          spanStart = r.pos;
          r.pos += spanLength;
        }
        case 7 << 3 | ProtoReader.FIXED64 -> start = r.fixed64();
        case 8 << 3 | ProtoReader.FIXED64 -> end = r.fixed64();
        case 9 << 3 | LD -> OtlpRead.keyValue(r, r.length(), f);
        case 11 << 3 | LD -> {
          int n = r.length();
          if (events == null) {
            events = new int[4];
          } else if (eventCount * 2 == events.length) {
            events = Arrays.copyOf(events, events.length * 2);
          }
          events[eventCount * 2] = r.pos;
          events[eventCount * 2 + 1] = r.pos + n;
          eventCount++;
          r.pos += n;
        }
        case 15 << 3 | LD -> {
          int statusOuter = r.enter(r.length());
          while (r.more()) {
            int t = r.tag();
            if (t == (2 << 3 | LD)) {
              int n = r.length();
              statusMessage = r.string(r.pos, n);
              r.pos += n;
            } else if (t == (3 << 3 | ProtoReader.VARINT)) {
              statusError = r.varint() == 2; // STATUS_CODE_ERROR
            } else {
              r.skip(t & 7);
            }
          }
          r.leave(statusOuter);
        }
        default -> r.skip(tag & 7);
      }
    }
    int spanEnd = r.limit;
    if (f.invocationId == null || f.invocationId.isEmpty()) {
      r.leave(outer);
      return null;
    }
    if (resource.name() == null) {
      throw new DecodeException(DecodeException.MISSING_FUNCTION, "span " + f.invocationId + " has no faas.name");
    }
    List<InvocationSpan.DedupRecord> records = List.of();
    List<InvocationSpan.DownstreamThrottle> throttles = List.of();
    String timeoutStack = null;
    String exceptionMessage = null;
    EventFields ev = eventCount == 0 ? null : new EventFields();
    for (int i = 0; i < eventCount; i++) {
      OtlpFields.Event kind = event(r, events[2 * i], events[2 * i + 1], ev);
      if (kind == null) {
        continue;
      }
      switch (kind) {
        case RECORD -> {
          if (ev.source != null && ev.key != null && !ev.key.isEmpty()) {
            if (records.isEmpty()) {
              records = new ArrayList<>(1);
            }
            records.add(new InvocationSpan.DedupRecord(ev.source, ev.key, ev.messageId, ev.deliveryCount));
          }
        }
        case DOWNSTREAM_THROTTLE -> {
          if (throttles.isEmpty()) {
            throttles = new ArrayList<>(2);
          }
          throttles.add(new InvocationSpan.DownstreamThrottle(
              OtlpAttributes.orDefault(ev.service, "unknown"), OtlpAttributes.orDefault(ev.operation, "unknown")));
        }
        case TIMEOUT -> timeoutStack = OtlpAttributes.clip(ev.text, MAX_STACK_CHARS);
        case EXCEPTION -> exceptionMessage = ev.text;
        default -> { }
      }
    }
    r.pos = spanEnd;
    r.leave(outer);
    String outcome = f.outcome;
    if (outcome == null) {
      outcome = statusError ? "error" : "success";
    }
    String message = statusMessage.isEmpty() ? exceptionMessage : statusMessage;
    return new InvocationSpan(
        resource.id(f.arn),
        resource.version(),
        resource.instance(),
        f.invocationId,
        OtlpRead.hex(r.buf, traceStart, traceLength) + ":" + OtlpRead.hex(r.buf, spanStart, spanLength),
        start,
        end,
        OtlpAttributes.orDefault(f.trigger, "other"),
        f.coldstart,
        f.initType,
        outcome,
        f.provisional,
        f.errorType,
        OtlpAttributes.clip(message, MAX_MESSAGE_CHARS),
        f.eventSource,
        f.timeoutMs,
        f.initMs,
        f.rss,
        resource.maxMemory(),
        f.droppedSpans,
        f.droppedEvents,
        timeoutStack,
        records.isEmpty() ? List.of() : List.copyOf(records),
        throttles.isEmpty() ? List.of() : List.copyOf(throttles),
        null,
        false,
        resource.architecture());
  }

  /** Span.Event at [start, end): 2 name, 3 attributes. The kind, its attributes in {@code f}; null if not ours. */
  private static OtlpFields.Event event(ProtoReader r, int start, int end, EventFields f) throws Malformed {
    r.pos = start;
    int outer = r.limit;
    r.limit = end;
    OtlpFields.Event kind = null;
    while (r.more()) {
      int tag = r.tag();
      if (tag == (2 << 3 | LD)) {
        int n = r.length();
        kind = OtlpFields.event(r.buf, r.pos, n);
        r.pos += n;
      } else {
        r.skip(tag & 7);
      }
    }
    if (kind != null) {
      f.clear();
      r.pos = start;
      while (r.more()) {
        int tag = r.tag();
        if (tag == (3 << 3 | LD)) {
          OtlpRead.keyValue(r, r.length(), f);
        } else {
          r.skip(tag & 7);
        }
      }
    }
    r.limit = outer;
    return kind;
  }
}
