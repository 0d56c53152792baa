package io.lambdascope.collector;

import io.lambdascope.kafka.EmbeddedKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** One embedded broker for every test class of this JVM (starting one costs seconds), and readers. */
final class TestKafka {
  private static EmbeddedKafka kafka;

  private TestKafka() {}

  static synchronized String bootstrap() {
    if (kafka == null) {
      try {
        Path dir = Files.createTempDirectory("collector-test-kafka");
        kafka = EmbeddedKafka.builder(dir).start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedKafka k = kafka;
      Runtime.getRuntime().addShutdownHook(new Thread(k::close));
    }
    return kafka.bootstrapServers();
  }

  /** A config builder on the shared broker, on a free loopback port, with topics only this test uses. */
  static CollectorConfig.Builder config(String prefix) {
    String p = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    return CollectorConfig.builder(bootstrap())
        .port(0)
        .topicSpans(p + "_spans")
        .topicMetrics(p + "_metrics")
        .topicLogs(p + "_logs")
        .kafkaStartTimeout(Duration.ofSeconds(30));
  }

  /** Every record of a topic, read from the beginning until at least {@code expected} arrived or the deadline passed. */
  static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, int expected, Duration wait) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 << 20)))) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(10))) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + wait.toNanos();
      while (System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
        if (out.size() >= expected && endReached(consumer, partitions)) {
          break;
        }
      }
      return out;
    }
  }

  private static boolean endReached(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    for (TopicPartition tp : partitions) {
      if (consumer.position(tp) < ends.get(tp)) {
        return false;
      }
    }
    return true;
  }

  /** Everything in the topic right now (for "nothing was written" checks). */
  static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
    return read(bootstrap, topic, 0, Duration.ofSeconds(5));
  }

  static String randomId() {
    return UUID.randomUUID().toString();
  }
}
