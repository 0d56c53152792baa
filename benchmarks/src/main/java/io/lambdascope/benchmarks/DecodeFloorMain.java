package io.lambdascope.benchmarks;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The processor's floor: a plain Kafka consumer (read_committed, as Kafka Streams reads under
 * exactly-once) that only parses the same OTLP records with protobuf-java and counts the spans and
 * log records in them ({@code parse}), or only counts the records ({@code consume}), in a JVM of its
 * own so its CPU time can be read from /proc. Starts at the end of both topics, prints {@code ready
 * floor}; for each line {@code expect <n>} on its standard input reads on until it has decoded n
 * items (parse) or seen n records (consume) in all, prints {@code done <n>}, and reads nothing more
 * until the next; stops when its standard input closes.
 *
 * <pre>
 * DecodeFloorMain parse|consume &lt;bootstrap servers&gt; &lt;spans topic&gt; &lt;logs topic&gt;
 * </pre>
 */
public final class DecodeFloorMain {
  private DecodeFloorMain() {}

  public static void main(String[] args) throws Exception {
    boolean parse = args[0].equals("parse");
    String spansTopic = args[2];
    String logsTopic = args[3];
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[1],
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    AtomicLong target = new AtomicLong(Long.MAX_VALUE);
    Thread stdin =
        new Thread(
            () -> {
              try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.startsWith("expect ")) {
                    target.set(Long.parseLong(line.substring(7).trim()));
                  }
                }
              } catch (Exception e) {
                // closed
              }
              System.exit(0);
            },
            "floor-stdin");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(spansTopic, logsTopic)) {
        for (PartitionInfo p : consumer.partitionsFor(topic)) {
          partitions.add(new TopicPartition(topic, p.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions);
      partitions.forEach(consumer::position);
      System.out.println("ready floor");
      System.out.flush();
      stdin.setDaemon(true);
      stdin.start();
      long decoded = 0;
      long reported = -1;
      while (true) {
        if (decoded >= target.get() || target.get() == Long.MAX_VALUE) {
          Thread.sleep(5); // nothing asked for: read nothing, so a measurement of another JVM runs alone
          continue;
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (!parse) {
            decoded++;
          } else {
            decoded += r.topic().equals(spansTopic) ? spans(r.value()) : logRecords(r.value());
          }
        }
        long t = target.get();
        if (decoded >= t && reported != t) {
          reported = t;
          System.out.println("done " + decoded);
          System.out.flush();
        }
      }
    }
  }

  private static int spans(byte[] value) throws Exception {
    int n = 0;
    for (ResourceSpans rs : ExportTraceServiceRequest.parseFrom(value).getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        n += ss.getSpansCount();
      }
    }
    return n;
  }

  private static int logRecords(byte[] value) throws Exception {
    int n = 0;
    for (ResourceLogs rl : ExportLogsServiceRequest.parseFrom(value).getResourceLogsList()) {
      for (ScopeLogs sl : rl.getScopeLogsList()) {
        n += sl.getLogRecordsCount();
      }
    }
    return n;
  }
}
