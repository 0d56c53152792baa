package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.emulator.Emulator;
import io.lambdascope.emulator.EmulatorConfig;
import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.processor.awsconfig.ConfigMetrics;
import io.lambdascope.processor.awsconfig.ConfigReader;
import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.dlq.DlqWatcher;
import io.lambdascope.processor.findings.Finding;
import io.lambdascope.processor.findings.Findings;
import io.lambdascope.processor.state.FunctionState;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor's configuration reader against the emulator, through the real AWS SDK v2 clients: the emulator's
 * control plane (Lambda, STS) and its ElasticMQ (the mapped queues' visibility timeout), exactly as on AWS. Functions
 * are given as a replica's published state would name them: in the emulator's account, in another account (skipped
 * and counted), with an unknown account (not read), and one Lambda does not know.
 */
class AwsConfigReaderTest {
  private static final String ACCOUNT = "000000000000";
  private static final FunctionId WORKER = new FunctionId("t1", ACCOUNT, "eu-west-1", "orders-worker");
  private static final FunctionId REPORTS = new FunctionId("t1", ACCOUNT, "eu-west-1", "reports");
  private static final FunctionId WORKER_ELSEWHERE = new FunctionId("t1", "123456789012", "eu-west-1", "orders-worker");
  private static final FunctionId UNKNOWN_ACCOUNT = new FunctionId("t1", "", "eu-west-1", "orders-worker");
  private static final FunctionId GONE = new FunctionId("t1", ACCOUNT, "eu-west-1", "gone");

  @TempDir Path dir;
  private Emulator emulator;
  private ConfigReader reader;

  @BeforeEach
  void start() throws Exception {
    Path jar = Files.writeString(dir.resolve("function.jar"), "never run");
    Path functions = dir.resolve("functions.yaml");
    Files.writeString(functions, """
        functions:
          - name: orders-worker
            jar: %1$s
            handler: example.Worker::handleRequest
            memory: 256
            timeout: 4s
            reservedConcurrency: 3
            provisionedConcurrency: 2
            sqs:
              - {queue: orders, batchSize: 2, visibilityTimeout: 7s}
          - name: reports
            jar: %1$s
            handler: example.Reports::handleRequest
            timeout: 2s
            sqs:
              - {queue: report-requests, visibilityTimeout: 30s}
        """.formatted(jar));
    emulator = Emulator.start(EmulatorConfig.builder().functionsFile(functions).invokePort(0).sqsPort(0)
        .region("eu-west-1").endpoint(URI.create("http://127.0.0.1:1")).logDir(dir.resolve("logs")).build());
  }

  @AfterEach
  void stop() {
    if (reader != null) {
      reader.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void readsOwnAccountsFunctionsAndFeedsTheVisibilityFinding() {
    ProcessorConfig config = ProcessorConfig.builder().bootstrapServers("127.0.0.1:1")
        .awsConfigEnabled(true).awsConfigRefresh(Duration.ofMinutes(5)).awsConfigConcurrency(2)
        .lambdaEndpoint(URI.create(emulator.invokeEndpoint()))
        .sqsEndpoint(URI.create(emulator.sqsEndpoint())).sqsRegion("eu-west-1")
        .build();
    reader = new ConfigReader(config, () -> List.of(WORKER, REPORTS, WORKER_ELSEWHERE, UNKNOWN_ACCOUNT, GONE),
        Clock.systemUTC()).start();
    Await.until("both functions, the account and the skipped ones", Duration.ofSeconds(30), () -> reader,
        r -> r.functions().size() == 2 && r.accounts().size() == 1
            && r.errors().get(ConfigReader.Reason.OTHER_ACCOUNT) >= 1 && r.errors().get(ConfigReader.Reason.NOT_FOUND) >= 1);

    ConfigReader.FunctionConfig worker = reader.functions().get(WORKER);
    assertEquals(4000, worker.timeoutMs());
    assertEquals(256L << 20, worker.memoryBytes());
    assertEquals(List.of("x86_64"), worker.architectures());
    assertEquals(3, worker.reservedConcurrency());
    assertEquals(2, worker.provisionedConcurrency());
    assertEquals(List.of(new ConfigReader.SqsSource("orders", ACCOUNT, "eu-west-1", 2, 7)), worker.sqsSources());
    assertFalse(reader.functions().containsKey(WORKER_ELSEWHERE));
    assertFalse(reader.functions().containsKey(UNKNOWN_ACCOUNT));
    assertEquals(1, reader.errors().get(ConfigReader.Reason.OTHER_ACCOUNT), "the other account's, once per round");
    assertEquals(0, reader.errors().get(ConfigReader.Reason.ACCESS_DENIED));

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.getPrometheusRegistry().register(new ConfigMetrics(reader));
    String text = registry.scrape();
    String identity = "cloud_account_id=\"000000000000\",cloud_region=\"eu-west-1\",function=\"orders-worker\",tenant=\"t1\"";
    for (String line : List.of(
        "lambdascope_function_reserved_concurrency{" + identity + "} 3.0",
        "lambdascope_function_provisioned_concurrency{" + identity + "} 2.0",
        "lambdascope_function_configured_timeout_seconds{" + identity + "} 4.0",
        "lambdascope_function_configured_memory_bytes{" + identity + "} 2.68435456E8",
        "lambdascope_function_architecture_info{architecture=\"x86_64\"," + identity + "} 1.0",
        "lambdascope_account_concurrency_limit{cloud_account_id=\"000000000000\",cloud_region=\"eu-west-1\"} 1000.0",
        "lambdascope_account_unreserved_concurrency{cloud_account_id=\"000000000000\",cloud_region=\"eu-west-1\"} 987.0",
        "lambdascope_config_reader_errors_total{reason=\"other_account\"} 1.0",
        "lambdascope_config_reader_errors_total{reason=\"throttled\"} 0.0")) {
      assertTrue(text.contains(line + "\n"), line + " in\n" + text);
    }
    assertFalse(text.contains("123456789012"), text);
    assertTrue(text.contains("lambdascope_config_reader_last_success_timestamp_seconds "), text);

    // The finding: orders-worker's queue (7 s) is under 6 x its configured 4 s timeout, whatever its telemetry told
    // (1 s, which alone would need only 6 s); the function of the same name in another account is not matched, and
    // reports' queue (30 s) is enough for 6 x 2 s.
    long now = System.currentTimeMillis();
    Map<FunctionId, FunctionState> states = new LinkedHashMap<>();
    for (FunctionId id : List.of(WORKER, REPORTS, WORKER_ELSEWHERE)) {
      FunctionState fs = new FunctionState();
      fs.spanSeen(now, 1000, 256L << 20);
      states.put(id, fs);
    }
    List<Finding> findings = Findings.evaluate(states, DlqWatcher.Snapshot.EMPTY.withSources(reader.sources()), now,
        Duration.ofHours(1).toMillis());
    assertEquals(List.of(WORKER), findings.stream().filter(f -> f.kind().equals(Findings.VISIBILITY_TIMEOUT))
        .map(Finding::id).toList(), findings.toString());
    Finding f = findings.stream().filter(x -> x.kind().equals(Findings.VISIBILITY_TIMEOUT)).findFirst().orElseThrow();
    assertTrue(f.seen().contains("visibility timeout of 7 s") && f.seen().contains("timeout is 4 s"), f.seen());
    assertTrue(f.change().contains("at least 24 s"), f.change());
  }
}
