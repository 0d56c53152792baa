package io.lambdascope.processor.topology;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lambdascope.processor.decode.InvocationSpan;
import io.lambdascope.processor.decode.PlatformEvent;
import io.lambdascope.processor.http.RecentInvocations;
import io.lambdascope.processor.join.FinalizedMarker;
import io.lambdascope.processor.join.JoinCodec;
import io.lambdascope.processor.join.PendingInvocation;
import io.lambdascope.processor.metrics.MetricDefs;
import io.lambdascope.processor.metrics.PipelineMetrics;
import io.lambdascope.processor.metrics.SeriesValues;
import io.lambdascope.processor.state.FunctionState;
import io.lambdascope.processor.state.StoreCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * A processor restarted on the state (and changelogs) of an earlier version must read it: the
 * store names, the task layout and the encodings stay as they were. The bytes below were written
 * by the version before the processor was split into packages.
 */
class StateCompatibilityTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void oneSubTopologyWithTheStoresOfEarlierVersions() {
    TopologySettings settings = new TopologySettings("otlp_spans", "otlp_logs", Duration.ofHours(24), 20, 1000,
        Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofHours(1), Duration.ofMillis(250));
    TopologyDescription description = TelemetryTopology.build(
        settings, new PipelineMetrics(new SimpleMeterRegistry()), new RecentInvocations(1)).describe();
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
    assertEquals(Set.of("pending-invocations", "finalized-invocations", "dedup-keys", "metric-series", "functions",
        "label-values"), stores);
  }

  @Test
  void pendingInvocationsReadAndWriteTheEarlierBytes() {
    InvocationSpan span = new InvocationSpan("fn", "req-1", "0a0b:0c0d", 1000L, 2000L, 3000L, "http", true, "timeout",
        true, "java.lang.Error", "boom", "sqs", 30000L, 120L, 1048576L, 536870912L, 2L, "at X.y(X.java:1)",
        List.of(new InvocationSpan.DedupRecord("sqs", "m-1", "m-1", 2L)),
        List.of(new InvocationSpan.DownstreamThrottle("DynamoDb", "PutItem")));
    PlatformEvent report = new PlatformEvent("fn", "platform.report", "req-1", 1001L, 4000L, "error",
        "Runtime.ExitError", 250.5, Double.NaN, 512L, 300L, null);
    assertSameBytes(JoinCodec.PENDING, new PendingInvocation(5000L, List.of(span), report),
        "010000000000001388000100000002666e000000057265712d3100000009306130623a3063306400000000000003e800"
        + "000000000007d00000000000000bb80000000468747470010000000774696d656f7574010000000f6a6176612e6c616e"
        + "672e4572726f7200000004626f6f6d000000037371730000000000007530000000000000007800000000001000000000"
        + "000020000000000000000000000200000010617420582e7928582e6a6176613a3129000100000003737173000000036d"
        + "2d31000000036d2d31000000000000000200010000000844796e616d6f4462000000075075744974656d010000000266"
        + "6e0000000f706c6174666f726d2e7265706f7274000000057265712d3100000000000003e90000000000000fa0000000"
        + "056572726f720000001152756e74696d652e457869744572726f72406f5000000000007ff80000000000000000000000"
        + "000200000000000000012cffffffff");
  }

  @Test
  void finalizedMarkersReadAndWriteTheEarlierBytes() {
    assertSameBytes(JoinCodec.MARKER, new FinalizedMarker(List.of("0a0b:0c0d", "0e0f:1011"), true),
        "0101000200000009306130623a3063306400000009306530663a31303131");
  }

  @Test
  void functionStatesReadAndWriteTheEarlierBytes() {
    FunctionState f = FunctionState.empty().withSpanSeen(7000L, 30000L, 536870912L).withReportSeen(8000L, 536870912L)
        .count(9000L, 3_600_000L, 104857600L, FunctionState.INVOCATIONS, FunctionState.COLDSTARTS,
            FunctionState.DUPLICATES);
    byte[] earlier = HEX.parseHex(
        "010000000000001b580000000000001f4000000000000075300000000020000000000000000640000000000000000023"
        + "280600000000000000010000000000000000000000000000000100000000000000000000000000000000000000000000"
        + "000000000000000000000000000000000000000000000000000100000000000000000000000000000000000000000000"
        + "0000");
    assertArrayEquals(earlier, StoreCodec.FUNCTION_STATE.serializer().serialize("t", f));
    FunctionState read = StoreCodec.FUNCTION_STATE.deserializer().deserialize("t", earlier);
    assertEquals(List.of(f.lastSpanMs(), f.lastReportMs(), f.timeoutMs(), f.maxMemoryBytes(), f.lastMemoryBytes(),
        f.windowStartMs()), List.of(read.lastSpanMs(), read.lastReportMs(), read.timeoutMs(), read.maxMemoryBytes(),
        read.lastMemoryBytes(), read.windowStartMs()));
    assertArrayEquals(f.current(), read.current());
    assertArrayEquals(f.previous(), read.previous());
  }

  @Test
  void metricSeriesKeysAndValuesAreTheEarlierOnes() {
    // The enum constant's name leads the key: renaming one orphans its stored series.
    assertEquals("INVOCATIONS\u0000fn\u0000http\u0000success", MetricDefs.INVOCATIONS.seriesKey("fn", "http", "success"));
    assertArrayEquals(HEX.parseHex("000000000000002a"), SeriesValues.counter(42));
    assertEquals(42, SeriesValues.counterValue(HEX.parseHex("000000000000002a")));
    byte[] histogram = HEX.parseHex(
        "3fc999999999999a00000000000000010000000000000000000000000000000100000000000000000000000000000000");
    assertArrayEquals(histogram, SeriesValues.Histogram.empty(3).observe(0.2, new double[] {0.1, 0.5, 1}).encode());
    SeriesValues.Histogram read = SeriesValues.Histogram.decode(histogram, 3);
    assertEquals(1, read.count());
    assertArrayEquals(new long[] {0, 1, 0, 0}, read.bucketCounts());
  }

  private static <T> void assertSameBytes(Serde<T> serde, T value, String earlierHex) {
    byte[] earlier = HEX.parseHex(earlierHex);
    assertArrayEquals(earlier, serde.serializer().serialize("t", value));
    assertEquals(value, serde.deserializer().deserialize("t", earlier));
  }
}
