package io.lambdascope.processor.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lambdascope.processor.Otlp;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the decoder reads of each kind of platform event, and which events it leaves out. */
class PlatformEventDecoderTest {
  private static LogRecord event(String type, String requestId, KeyValue... attributes) {
    return LogRecord.newBuilder().setTimeUnixNano(Otlp.T0).setEventName(type)
        .setBody(AnyValue.newBuilder().setStringValue("{\"requestId\":\"" + requestId + "\"}"))
        .addAttributes(Otlp.str("event.name", type)).addAttributes(Otlp.str("faas.invocation_id", requestId))
        .addAllAttributes(List.of(attributes)).build();
  }

  private static LogRecord report(String requestId) {
    return event("platform.report", requestId, Otlp.str("lambdascope.platform.status", "success"),
        Otlp.dbl("lambdascope.platform.duration_ms", 12.5), Otlp.num("lambdascope.platform.billed_duration_ms", 13),
        Otlp.num("lambdascope.platform.memory_size_mb", 512), Otlp.num("lambdascope.platform.max_memory_used_mb", 99));
  }

  private static LogRecord start(String requestId) {
    return event("platform.start", requestId);
  }

  private static LogRecord runtimeDone(String requestId) {
    return event("platform.runtimeDone", requestId, Otlp.str("lambdascope.platform.status", "success"),
        Otlp.dbl("lambdascope.platform.duration_ms", 12.0));
  }

  @Test
  void aReportIsReadWhole() throws Exception {
    List<PlatformEvent> events = PlatformEventDecoder.decode(Otlp.logs("f", report("r1")));
    assertEquals(1, events.size());
    PlatformEvent e = events.get(0);
    assertSame(PlatformEvent.REPORT, e.type());
    assertEquals("f", e.id().name());
    assertEquals("r1", e.invocationId());
    assertEquals("success", e.status());
    assertEquals(12.5, e.durationMs());
    assertEquals(13, e.billedDurationMs());
    assertEquals(512, e.memorySizeMb());
    assertEquals(99, e.maxMemoryUsedMb());
    assertEquals(Otlp.T0, e.timeEpochNanos());
  }

  @Test
  void startAndRuntimeDoneBesideTheirReportAreLeftOut() throws Exception {
    List<PlatformEvent> events =
        PlatformEventDecoder.decode(Otlp.logs("f", start("r1"), runtimeDone("r1"), report("r1")));
    assertEquals(1, events.size());
    assertEquals("r1", events.get(0).invocationId());
    assertSame(PlatformEvent.REPORT, events.get(0).type());
  }

  @Test
  void eventsThatOnlyRegisterTheirFunctionKeepOneOfThemAndOnlyTheirIdentity() throws Exception {
    List<PlatformEvent> events = PlatformEventDecoder.decode(Otlp.logs("f", start("r1"), runtimeDone("r1")));
    assertEquals(1, events.size());
    PlatformEvent e = events.get(0);
    assertSame(PlatformEvent.START, e.type());
    assertEquals("f", e.id().name());
    assertEquals(Otlp.T0, e.timeEpochNanos());
    assertNull(e.invocationId(), "not read: nothing uses it");
    assertNull(e.status());
  }

  @Test
  void eventsOfOtherFunctionsAreKept() throws Exception {
    byte[] f = Otlp.logs("f", start("r1"), report("r1"));
    byte[] g = Otlp.logs("g", start("r2"));
    ExportLogsServiceRequest both = ExportLogsServiceRequest.newBuilder()
        .addAllResourceLogs(ExportLogsServiceRequest.parseFrom(f).getResourceLogsList())
        .addAllResourceLogs(ExportLogsServiceRequest.parseFrom(g).getResourceLogsList()).build();
    List<PlatformEvent> events = PlatformEventDecoder.decode(both.toByteArray());
    assertEquals(List.of("f", "g"), events.stream().map(e -> e.id().name()).toList());
    assertEquals(List.of(PlatformEvent.REPORT, PlatformEvent.START), events.stream().map(PlatformEvent::type).toList());
  }

  @Test
  void initEventsAndUnknownTypesAreReadAsBefore() throws Exception {
    PlatformEvent init = PlatformEventDecoder.decode(Otlp.initEvent(Otlp.Identity.of("f"), "platform.initReport",
        "on-demand", "error", "Runtime.ExitError", 250)).get(0);
    assertSame(PlatformEvent.INIT_REPORT, init.type());
    assertEquals("error", init.status());
    assertEquals("Runtime.ExitError", init.errorType());
    assertEquals("on-demand", init.initType());
    assertEquals(250, init.durationMs());
    // A type the decoder does not know by name, and one given as a number rather than a string.
    LogRecord other = LogRecord.newBuilder().setTimeUnixNano(Otlp.T0)
        .addAttributes(Otlp.str("event.name", "platform.extension")).build();
    assertEquals("platform.extension", PlatformEventDecoder.decode(Otlp.logs("f", other)).get(0).type());
    LogRecord numeric = LogRecord.newBuilder().setTimeUnixNano(Otlp.T0).setEventName("platform.start")
        .addAttributes(Otlp.num("event.name", 7)).build();
    assertEquals(List.of(), PlatformEventDecoder.decode(Otlp.logs("f", numeric)), "\"7\" is not a platform event");
  }

  @Test
  void aMalformedRecordIsStillRefused() {
    byte[] good = Otlp.logs("f", start("r1"), report("r1"));
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
    assertThrows(ProtoReader.Malformed.class, () -> PlatformEventDecoder.decode(cut));
  }
}
