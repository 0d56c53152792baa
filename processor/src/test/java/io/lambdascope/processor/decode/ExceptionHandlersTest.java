package io.lambdascope.processor.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lambdascope.processor.Scrape;
import io.lambdascope.processor.Series;
import io.lambdascope.processor.metrics.PipelineMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The exception handlers the processor configures: a record that fails in a processor, or cannot be
 * deserialized, is counted under its reason and skipped; the records after it are processed.
 */
class ExceptionHandlersTest {
  @Test
  void aRecordThatFailsInAProcessorIsCountedAndSkipped() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PipelineMetrics meters = new PipelineMetrics(registry);
    List<String> processed = new ArrayList<>();
    Topology t = new Topology();
    t.addSource("in", Serdes.String().deserializer(), (topic, data) -> {
      String s = new String(data, StandardCharsets.UTF_8);
      if (s.equals("garbage")) {
        throw new UndecodableRecordException(DecodeException.INVALID_PROTOBUF, "not a record", null);
      }
      return s;
    }, "otlp_spans");
    t.addProcessor("fails-on-boom", () -> new ContextualProcessor<String, String, Void, Void>() {
      @Override
      public void process(Record<String, String> record) {
        if (record.value().equals("boom")) {
          throw new IllegalStateException("a bug nobody foresaw");
        }
        processed.add(record.value());
      }
    }, "in");
    Path state = Files.createTempDirectory("handlers");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "handlers");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
    p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUndecodableRecords.class.getName());
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipFailedRecords.class.getName());
    p.put(InputMetersConfig.KEY, meters);
    try (TopologyTestDriver driver = new TopologyTestDriver(t, p)) {
      TestInputTopic<String, String> in =
          driver.createInputTopic("otlp_spans", new StringSerializer(), new StringSerializer());
      for (String v : List.of("a", "boom", "garbage", "b", "boom", "c")) {
        in.pipeInput("k", v);
      }
    }
    assertEquals(List.of("a", "b", "c"), processed);
    Map<String, Double> m = Scrape.parse(registry.scrape());
    assertEquals(2, m.get(Series.plain("lambdascope_processor_decode_failures_total",
        "reason", "processing_error", "topic", "otlp_spans")));
    assertEquals(1, m.get(Series.plain("lambdascope_processor_decode_failures_total",
        "reason", "invalid_protobuf", "topic", "otlp_spans")));
  }
}
