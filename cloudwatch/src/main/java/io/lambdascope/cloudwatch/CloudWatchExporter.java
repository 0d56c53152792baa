package io.lambdascope.cloudwatch;

import static java.util.Objects.requireNonNull;

import io.lambdascope.cloudwatch.exporter.EndpointFromEnvironment;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Prometheus's CloudWatch exporter, the released jar, in a JVM of its own as users run it
 * ({@code io.prometheus.cloudwatch.WebServer <port> <config>}), in a temporary folder it deletes on
 * {@link #close()}. With an {@link Builder#endpoint endpoint} its CloudWatch calls go there (the emulator's
 * CloudWatch) through {@link EndpointFromEnvironment}; credentials are then fixed test ones.
 *
 * <pre>{@code
 * try (CloudWatchExporter exporter = CloudWatchExporter.builder(exporterJar)
 *     .config(ExporterConfig.compressed(ExporterConfig.shipped(), "us-east-1", 60))
 *     .endpoint(URI.create(emulator.cloudWatchEndpoint()))
 *     .start()) {
 *   String metrics = exporter.scrape();
 * }
 * }</pre>
 */
public final class CloudWatchExporter implements AutoCloseable {
  private static final String INTERCEPTORS = "software/amazon/awssdk/global/handlers/execution.interceptors";

  private final Process process;
  private final Path dir;
  private final int port;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private CloudWatchExporter(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** @param exporterJar {@code cloudwatch_exporter-0.16.0-jar-with-dependencies.jar} */
  public static Builder builder(Path exporterJar) {
    return new Builder(exporterJar);
  }

  /** {@code 127.0.0.1:port}, for a Prometheus scrape target (the exporter listens on every interface). */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** What a scrape of {@code /metrics} answers now (the exporter calls CloudWatch during each scrape). */
  public String scrape() {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + address() + "/metrics"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("the exporter answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot scrape the exporter: " + logTail(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The end of what the exporter logged (its scrape errors show up here). */
  public String logTail() {
    try {
      String log = Files.readString(dir.resolve("exporter.log"), StandardCharsets.UTF_8);
      return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops the exporter's JVM and deletes its folder. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind
    }
  }

  /** Options; the defaults suit tests and the demo. */
  public static final class Builder {
    private final Path exporterJar;
    private String config;
    private int port;
    private URI endpoint;
    private Duration startTimeout = Duration.ofSeconds(60);

    private Builder(Path exporterJar) {
      this.exporterJar = requireNonNull(exporterJar, "exporterJar");
    }

    /** The exporter's YAML configuration ({@link ExporterConfig}). */
    public Builder config(String yaml) {
      this.config = requireNonNull(yaml, "yaml");
      return this;
    }

    /** The port it listens on; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      this.port = port;
      return this;
    }

    /** Where its CloudWatch calls go ({@code AWS_ENDPOINT_URL_CLOUDWATCH}); unset, to AWS. */
    public Builder endpoint(URI endpoint) {
      this.endpoint = requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** How long to wait for it to answer {@code /-/ready} (default 60 s). */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = requireNonNull(startTimeout, "startTimeout");
      return this;
    }

    /** Writes the configuration, starts the exporter and waits until it answers. */
    public CloudWatchExporter start() {
      requireNonNull(config, "config");
      if (!Files.isRegularFile(exporterJar)) {
        throw new IllegalStateException("the CloudWatch exporter's jar is missing: " + exporterJar
            + " (mvn -B package builds it into cloudwatch/target/cloudwatch-exporter/)");
      }
      Path dir;
      try {
        dir = Files.createTempDirectory("lambdascope-cloudwatch-exporter-");
        Files.writeString(dir.resolve("config.yml"), config, StandardCharsets.UTF_8);
        // The SDK loads global interceptors named in this resource: the endpoint setting, in the exporter only.
        Path interceptors = dir.resolve("classpath").resolve(INTERCEPTORS);
        Files.createDirectories(interceptors.getParent());
        Files.writeString(interceptors, EndpointFromEnvironment.class.getName() + "\n", StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot prepare the exporter's folder", e);
      }
      int chosen = port == 0 ? freePort() : port;
      String java = ProcessHandle.current().info().command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseSerialGC",
          "-cp", String.join(File.pathSeparator, exporterJar.toAbsolutePath().toString(), ownCodeSource(),
              dir.resolve("classpath").toString()),
          "io.prometheus.cloudwatch.WebServer", Integer.toString(chosen), dir.resolve("config.yml").toString()));
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("exporter.log").toFile());
      Map<String, String> env = builder.environment();
      env.put("AWS_EC2_METADATA_DISABLED", "true");
      if (endpoint != null) {
        env.put(EndpointFromEnvironment.VARIABLE, endpoint.toString());
        env.put("AWS_ACCESS_KEY_ID", "test");
        env.put("AWS_SECRET_ACCESS_KEY", "test");
        env.remove("AWS_SESSION_TOKEN");
        env.remove("AWS_PROFILE");
      }
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the CloudWatch exporter", e);
      }
      CloudWatchExporter exporter = new CloudWatchExporter(process, dir, chosen);
      try {
        exporter.awaitReady(startTimeout);
        return exporter;
      } catch (RuntimeException e) {
        exporter.close();
        throw e;
      }
    }

    private static String ownCodeSource() {
      try {
        return Path.of(EndpointFromEnvironment.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }

    private static int freePort() {
      try (ServerSocket socket = new ServerSocket(0)) {
        return socket.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("no free port", e);
      }
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    URI ready = URI.create("http://" + address() + "/-/ready");
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the CloudWatch exporter exited with " + process.exitValue() + ": " + logTail());
      }
      try {
        if (http.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    throw new IllegalStateException("the CloudWatch exporter did not answer within " + timeout + ": " + logTail());
  }
}
