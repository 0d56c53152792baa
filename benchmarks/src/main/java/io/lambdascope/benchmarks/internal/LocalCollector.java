package io.lambdascope.benchmarks.internal;

import io.lambdascope.collector.Collector;
import io.lambdascope.collector.CollectorConfig;
import io.lambdascope.kafka.EmbeddedKafka;
import io.lambdascope.settings.KafkaSettings;
import java.util.HashMap;
import java.util.Map;

/** A real Lambdascope collector on loopback, started the way the launcher starts it: from settings. */
public final class LocalCollector implements AutoCloseable {
  private final Collector collector;

  private LocalCollector(Collector collector) {
    this.collector = collector;
  }

  /** Defaults everywhere except the broker and a free loopback port; {@code extra} overrides. */
  public static LocalCollector start(String bootstrapServers, Map<String, String> extra) {
    Map<String, String> settings = new HashMap<>();
    settings.put(KafkaSettings.BOOTSTRAP_SERVERS.name(), bootstrapServers);
    settings.put(CollectorConfig.OTLP_HOST.name(), "127.0.0.1");
    settings.put(CollectorConfig.OTLP_PORT.name(), Integer.toString(EmbeddedKafka.freePort()));
    settings.putAll(extra);
    return new LocalCollector(Collector.start(CollectorConfig.fromSettings(settings)));
  }

  public String endpoint() {
    return "http://127.0.0.1:" + collector.port();
  }

  public int port() {
    return collector.port();
  }

  @Override
  public void close() {
    collector.close();
  }
}
