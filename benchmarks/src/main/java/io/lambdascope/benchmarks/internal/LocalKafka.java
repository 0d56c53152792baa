package io.lambdascope.benchmarks.internal;

import io.lambdascope.kafka.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A fresh single-node broker in this JVM, on a temporary data directory removed at close. */
public final class LocalKafka implements AutoCloseable {
  private final Path dataDir;
  private final EmbeddedKafka kafka;

  private LocalKafka(Path dataDir, EmbeddedKafka kafka) {
    this.dataDir = dataDir;
    this.kafka = kafka;
  }

  public static LocalKafka start(Path workDir, int partitions) throws IOException {
    Path dir = Files.createTempDirectory(workDir, "kafka");
    return new LocalKafka(dir, EmbeddedKafka.builder(dir).defaultPartitions(partitions).start());
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public void close() throws IOException {
    kafka.close();
    deleteTree(dataDir);
  }

  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
