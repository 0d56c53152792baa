package io.lambdascope.processor.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.dedup.DedupWindow;
import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.http.RecentInvocations;
import io.lambdascope.processor.join.JoinCodec;
import io.lambdascope.processor.join.InvocationKey;
import io.lambdascope.processor.join.PendingInvocation;
import io.lambdascope.processor.metrics.PipelineMetrics;
import io.lambdascope.processor.state.Codecs;
import io.lambdascope.processor.state.ConcurrencyWindows;
import io.lambdascope.processor.state.Environments;
import io.lambdascope.processor.state.FunctionState;
import io.lambdascope.processor.state.Publication;
import io.lambdascope.processor.state.PublishedFunctions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * A processor restarted on the state (and changelogs) this version wrote must read it: the store
 * names, the task layout and the encodings stay as they are. The bytes below were written by this
 * version; a later one must still read them (or change a store's name, and say so).
 */
class StateCompatibilityTest {
  private static final HexFormat HEX = HexFormat.of();
  private static final FunctionId ID = new FunctionId("acme", "123456789012", "eu-west-1", "orders");

  @Test
  void oneSubTopologyWithTheseStores() {
    TopologySettings settings = new TopologySettings("otlp_spans", "otlp_logs", Duration.ofHours(24), 20, 1000,
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofMillis(250), Duration.ofDays(7),
        Duration.ofHours(1), io.lambdascope.processor.ProcessorConfig.defaultCost());
    TopologyDescription description = TelemetryTopology.build(settings, new TelemetryTopology.Outputs(
        new PipelineMetrics(new SimpleMeterRegistry()), new RecentInvocations(1), Publication.atFlush(),
        new PublishedFunctions())).describe();
    // One sub-topology: task ids (0_n), and with them the state directories, stay the same.
    assertEquals(1, description.subtopologies().size(), description.toString());
    Set<String> stores = new TreeSet<>();
    for (TopologyDescription.Subtopology s : description.subtopologies()) {
      for (TopologyDescription.Node n : s.nodes()) {
        if (n instanceof TopologyDescription.Processor p) {
          stores.addAll(p.stores());
        }
      }
    }
    assertEquals(Set.of("function-state", "environments", "invocations", "dedup-window"), stores);
  }

  static FunctionState sampleFunction() {
    FunctionState f = new FunctionState();
    f.seen(9_000L);
    f.spanSeen(7_000L, 30_000L, 512L << 20);
    f.reportSeen(8_000L, 512L << 20);
    f.admitLabel(FunctionState.ERROR_TYPE, "java.lang.IllegalStateException", 20);
    f.admitLabel(FunctionState.VERSION, "$LATEST", 20);
    f.decided(42L, FunctionState.SPAN_HALF | FunctionState.REPORT_HALF, 4000L);
    f.countInWindow(FunctionState.INVOCATIONS, 9_000L, 3_600_000L);
    f.countInvocation("http", "error");
    f.countColdstart("snap-start");
    f.observeInitDuration("snap-start", 0.3);
    f.countError("java.lang.IllegalStateException", "$LATEST");
    f.countInitFailure("Runtime.ExitError");
    f.countDownstreamThrottle("DynamoDb", "PutItem");
    f.countDuplicate(1);
    f.countTimeout();
    f.countThrottle();
    f.countDroppedSpans(2);
    f.countDroppedEvents(3);
    f.countUninstrumented();
    f.addBilledDuration(101);
    f.observeInvokeDuration(0.1);
    f.observeRestoreDuration(0.2);
    f.observeTimeoutRatio(0.5);
    f.observeMemory(100L << 20, 512L << 20);
    f.architectureSeen(1);
    f.countRequest(1, 0.0000002);
    f.addBilledMemoryTime(1, 1000, 1L << 30, FunctionState.COST_PROVISIONED_DURATION, 0.0000077778);
    f.addTimeoutBilled(250);
    f.addExecution(1_000, 61_500, 60_000, 30_000);
    return f;
  }

  @Test
  void functionStatesReadAndWriteTheseBytes() {
    String writtenBeforeCost = "01a846d836c03ee0d403808080800480808064a846060100000000000000000000000501206a6176612e6c616e672e49"
        + "6c6c6567616c5374617465457863657074696f6e0108244c4154455354000000100103000000000000002aa01f000000"
        + "0000000000000000000000000f00010000000000000000000000000001040000000001013fd3333333333333010b0000"
        + "00010000000000000000000300010001010203016501206a6176612e6c616e672e496c6c6567616c5374617465457863"
        + "657074696f6e08244c415445535401011252756e74696d652e457869744572726f7201010944796e616d6f4462085075"
        + "744974656d01013fb999999999999a0112000000000100000000000000000000000000013fc999999999999a010b0000"
        + "010000000000000000013fe00000000000000106000100000000013fc9000000000000010701000000000000";
    String written = writtenBeforeCost
        + "02020080c03e060000000000000000000000000000000000000000000000003e8ad7f29abcaf48000000000000"
        + "00003ee04facb13b8645fa01e0d403bce00300000000000200f8cc030101e8070202dc0b01020002dc0b01";
    byte[] bytes = sampleFunction().encode();
    assertEquals(written, HEX.formatHex(bytes));
    FunctionState read = FunctionState.decode(HEX.parseHex(written));
    assertArrayEquals(bytes, read.encode(), "read back, it writes the same bytes");
    assertEquals(1, read.invocations(FunctionState.TRIGGERS.indexOf("http"), FunctionState.OUTCOMES.indexOf("error")));
    assertEquals(101, read.billedDurationMs());
    assertEquals(FunctionState.SPAN_HALF | FunctionState.REPORT_HALF, read.decidedHalves(42L));
    assertEquals(4000L, read.decidedReportTime(42L));
    assertEquals(1, read.architecture());
    assertEquals(1.0, read.gbSeconds(1));
    assertEquals(0.0000077778, read.costUsd(1, FunctionState.COST_PROVISIONED_DURATION));
    assertEquals(250, read.timeoutBilledMs());
    assertEquals(new ConcurrencyWindows.Figures(0, 1, 59.0 / 60), read.concurrency().lastComplete(100_000, 30_000),
        "the window [0 s, 60 s), still open, complete by the clock at 100 s");
    FunctionState before = FunctionState.decode(HEX.parseHex(writtenBeforeCost));
    assertEquals(101, before.billedDurationMs(), "state written before cost and concurrency reads as it was");
    assertEquals(-1, before.architecture());
    assertEquals(0, before.timeoutBilledMs());
    assertNull(before.concurrency().lastComplete(0, 30_000));
    byte[] key = Codecs.FUNCTION_STATE.key(ID);
    assertEquals("0561636d650d3132333435363738393031320a65752d776573742d31076f7264657273", HEX.formatHex(key));
    assertEquals(ID, Codecs.FUNCTION_STATE.key(key));
  }

  @Test
  void pendingInvocationsReadAndWriteTheseBytes() {
    InvocationSpan span = new InvocationSpan(ID, "$LATEST", "env-1", "req-1", "0a0b:0c0d", 2000L, 3000L, "http",
        true, "on-demand", "timeout", true, "java.lang.Error", "boom", "sqs", 30000L, 120L, 1048576L, 536870912L, 2L,
        1L,
        "at X.y(X.java:1)", List.of(new InvocationSpan.DedupRecord("sqs", "m-1", "m-1", 2L)),
        List.of(new InvocationSpan.DownstreamThrottle("DynamoDb", "PutItem")), "redelivery", false, null);
    PlatformEvent report = new PlatformEvent(ID, "$LATEST", "env-1", "platform.report", "req-1", 4000L, "error",
        "Runtime.ExitError", 250.5, 251L, Double.NaN, Double.NaN, 512L, 300L, null, null);
    String written = "018827e907010561636d650d3132333435363738393031320a65752d776573742d31076f726465727308244c41544553"
        + "5406656e762d31067265712d310a306130623a3063306400000000000007d00000000000000bb80568747470010a6f6e"
        + "2d64656d616e640874696d656f757401106a6176612e6c616e672e4572726f7205626f6f6d04737173e0d403f0018080"
        + "80018080808004040211617420582e7928582e6a6176613a31290104737173046d2d31046d2d3104010944796e616d6f"
        + "4462085075744974656d0b726564656c697665727900010561636d650d3132333435363738393031320a65752d776573"
        + "742d31076f726465727308244c415445535406656e762d3110706c6174666f726d2e7265706f7274067265712d310000"
        + "000000000fa0066572726f721252756e74696d652e457869744572726f72406f500000000000f6037ff8000000000000"
        + "7ff80000000000008008d8040000000000000000000000000000";
    PendingInvocation waiting = PendingInvocation.waiting(5000L, 1001L, List.of(span), report);
    assertEquals(written, HEX.formatHex(JoinCodec.INSTANCE.value(waiting)));
    byte[] value = HEX.parseHex(written);
    PendingInvocation read = JoinCodec.INSTANCE.value(value);
    assertEquals(List.of(span), read.spans());
    assertEquals(report, read.report());
    assertArrayEquals(value, JoinCodec.INSTANCE.value(read));
    byte[] key = JoinCodec.INSTANCE.key(new InvocationKey(ID, "req-1"));
    assertEquals("0561636d650d3132333435363738393031320a65752d776573742d31076f7264657273067265712d31",
        HEX.formatHex(key));
  }

  @Test
  void dedupKeysAreTheseFingerprints() {
    // MurmurHash3 x64 128 of the parts, each followed by NUL: a later version must make the same keys.
    byte[] key = DedupWindow.key(DedupWindow.prefix(ID), new InvocationSpan.DedupRecord("sqs", "m-1", null, 1)).get();
    assertEquals("c2ddc01c4fd653bd6777e8b0218a6e8b", HEX.formatHex(key));
  }

  @Test
  void environmentsReadAndWriteTheseBytes() {
    String written = "010b736e61702d7374617274408964000000000000018827";
    Environments.State s = Environments.CODEC.value(HEX.parseHex(written));
    assertEquals("snap-start", s.initType());
    assertEquals(812.5, s.initDurationMs());
    assertEquals(written, HEX.formatHex(Environments.CODEC.value(s)));
    byte[] key = Environments.CODEC.key(new Environments.Key(ID, "2026/01/01/[$LATEST]abc"));
    assertEquals("0561636d650d3132333435363738393031320a65752d776573742d31076f726465727318323032362f30312f30312f5b"
        + "244c41544553545d616263", HEX.formatHex(key));
  }
}
