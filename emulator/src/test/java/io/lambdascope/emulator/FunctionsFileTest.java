package io.lambdascope.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FunctionsFileTest {
  private static final Path BASE = Path.of("/srv/functions");

  @Test
  void parsesEveryFieldWithVariablesAndRelativeJars() {
    List<FunctionDefinition> functions = FunctionsFile.parse("""
        functions:
          - name: worker
            jar: lib/${NAME}.jar
            handler: a.B::handle
            layers: ["layers/${NAME}-agent.zip", /abs/other.zip]
            memory: 256
            timeout: 1500ms
            reservedConcurrency: 3
            environment: {URL: "${DOWNSTREAM_URL}/x", PLAIN: 7}
            async: {maxRetries: 1, maxEventAge: 2m, onFailure: failures}
            sqs:
              - {queue: q, batchSize: 4, visibilityTimeout: 5s, maxReceiveCount: 2, deadLetterQueue: q-dlq,
                 reportBatchItemFailures: true}
            schedule:
              - {rate: 1m}
        """, BASE, Map.of("NAME", "fn", "DOWNSTREAM_URL", "http://127.0.0.1:1"));
    FunctionDefinition f = functions.get(0);
    assertEquals(Path.of("/srv/functions/lib/fn.jar"), f.jar());
    assertEquals(List.of(Path.of("/srv/functions/layers/fn-agent.zip"), Path.of("/abs/other.zip")), f.layers());
    assertEquals(Duration.ofMillis(1500), f.timeout());
    assertEquals(256, f.memoryMb());
    assertEquals(3, f.reservedConcurrency());
    assertEquals(Map.of("URL", "http://127.0.0.1:1/x", "PLAIN", "7"), f.environment());
    assertEquals(new FunctionDefinition.AsyncConfig(1, Duration.ofMinutes(2), Optional.of("failures")), f.async());
    assertEquals(new FunctionDefinition.SqsTrigger("q", 4, Duration.ofSeconds(5), 2, Optional.of("q-dlq"), true),
        f.sqsTriggers().get(0));
    assertEquals(Duration.ofMinutes(1), f.schedules().get(0).rate());
  }

  @Test
  void defaultsAreLambdas() {
    FunctionDefinition f = FunctionsFile.parse("functions: [{name: f, jar: /f.jar, handler: a.B}]", BASE, Map.of())
        .get(0);
    assertEquals(512, f.memoryMb());
    assertEquals(Duration.ofSeconds(3), f.timeout());
    assertEquals(FunctionDefinition.AsyncConfig.defaults(), f.async());
    assertEquals(List.of(), f.layers());
  }

  @Test
  void mistakesAreNamed() {
    assertMessage("'handler' is required", "functions: [{name: f, jar: /f.jar}]");
    assertMessage("unknown variable ${MISSING}", "functions: [{name: f, jar: '${MISSING}', handler: a.B}]");
    assertMessage("not a duration", "functions: [{name: f, jar: /f.jar, handler: a.B, timeout: soon}]");
    // Once a bare number of seconds; now one meaning for durations everywhere.
    assertMessage("function f timeout: '3' has no unit; expected a whole number and a unit",
        "functions: [{name: f, jar: /f.jar, handler: a.B, timeout: 3}]");
    assertMessage("function f sqs visibilityTimeout: '30' has no unit",
        "functions: [{name: f, jar: /f.jar, handler: a.B, sqs: [{queue: q, visibilityTimeout: 30}]}]");
    assertMessage("defined twice", "functions: [{name: f, jar: /f.jar, handler: a.B}, {name: f, jar: /f.jar, handler: a.B}]");
    assertMessage("batchSize must be 1..10", "functions: [{name: f, jar: /f.jar, handler: a.B, sqs: [{queue: q, batchSize: 50}]}]");
    assertMessage("non-empty 'functions' list", "hello: world");
    assertMessage("not valid YAML", "functions: [unclosed");
    assertMessage("'layers' must be a list", "functions: [{name: f, jar: /f.jar, handler: a.B, layers: /l.zip}]");
    assertMessage("at most 5 layers", "functions: [{name: f, jar: /f.jar, handler: a.B, layers: [a, b, c, d, e, f]}]");
  }

  private static void assertMessage(String expected, String yaml) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FunctionsFile.parse(yaml, BASE, Map.of()));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void demoFileHasTheFourExamples() {
    List<FunctionDefinition> demo = FunctionsFile.load("demo", Map.of("LAMBDASCOPE_EXAMPLES_JAR", "/x/examples.jar",
        "LAMBDASCOPE_AGENT_LAYER", "/x/agent-layer.zip", "DOWNSTREAM_URL", "http://127.0.0.1:1"));
    assertEquals(List.of("orders-api", "orders-worker", "upload-processor", "queue-report"),
        demo.stream().map(FunctionDefinition::name).toList());
    assertTrue(demo.stream().allMatch(f -> f.jar().equals(Path.of("/x/examples.jar"))));
    // The agent as users deploy it: the layer, and its exec wrapper under /opt.
    assertTrue(demo.stream().allMatch(f -> f.layers().equals(List.of(Path.of("/x/agent-layer.zip")))));
    assertTrue(demo.stream().allMatch(f -> "/opt/lambdascope-wrapper".equals(
        f.environment().get("AWS_LAMBDA_EXEC_WRAPPER"))));
  }

  @Test
  void settingsAreRead() {
    EmulatorConfig config = EmulatorConfig.fromSettings(Map.of(
        "LAMBDASCOPE_INVOKE_PORT", "0",
        "LAMBDASCOPE_AGENT_LAYER", "/a/agent-layer.zip",
        "LAMBDASCOPE_ENDPOINT", "http://127.0.0.1:4000",
        "LAMBDASCOPE_TOKEN", "secret",
        "LAMBDASCOPE_AGENT_SAMPLE", "1",
        "LAMBDASCOPE_IDLE_RECLAIM", "5s",
        "UNRELATED", "x"));
    assertEquals(0, config.invokePort());
    assertEquals(9324, config.sqsPort());
    assertEquals(Duration.ofSeconds(5), config.idleReclaim());
    assertEquals(Map.of("LAMBDASCOPE_ENDPOINT", "http://127.0.0.1:4000", "LAMBDASCOPE_TOKEN", "secret",
        "LAMBDASCOPE_AGENT_SAMPLE", "1"), config.agentEnvironment());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EmulatorConfig.fromSettings(Map.of("LAMBDASCOPE_SQS_PORT", "70000")));
    assertTrue(e.getMessage().contains("LAMBDASCOPE_SQS_PORT"), e.getMessage());
    // The emulator no longer attaches an agent itself: a layer does, as on Lambda.
    IllegalArgumentException former = assertThrows(IllegalArgumentException.class,
        () -> EmulatorConfig.fromSettings(Map.of("LAMBDASCOPE_AGENT_JAR", "/a/agent.jar")));
    assertTrue(former.getMessage().startsWith("LAMBDASCOPE_AGENT_JAR is no longer read: set LAMBDASCOPE_AGENT_LAYER"),
        former.getMessage());
  }

  @Test
  void everySettingIsReadInItsOneForm() {
    EmulatorConfig config = EmulatorConfig.fromSettings(Map.ofEntries(
        Map.entry("LAMBDASCOPE_FUNCTIONS", "/srv/functions.yaml"),
        Map.entry("LAMBDASCOPE_SQS_PORT", "0"),
        Map.entry("LAMBDASCOPE_FREEZE", "false"),
        Map.entry("LAMBDASCOPE_INIT_TIMEOUT", "90s"),
        Map.entry("LAMBDASCOPE_ASYNC_RETRY_DELAY", "250ms"),
        Map.entry("LAMBDASCOPE_SQS_RATE_LIMIT", "0.5"),
        Map.entry("LAMBDASCOPE_REGION", "eu-west-1"),
        Map.entry("LAMBDASCOPE_EMULATOR_LOG_DIR", "/tmp/logs"),
        Map.entry("LAMBDASCOPE_RUNTIME_CLASSPATH", "/opt/ric/*")));
    assertEquals("/srv/functions.yaml", config.functions());
    assertEquals(0, config.sqsPort());
    assertEquals(false, config.freeze());
    assertEquals(Duration.ofSeconds(90), config.initTimeout());
    assertEquals(Duration.ofMillis(250), config.asyncRetryDelay());
    assertEquals(0.5, config.sqsRateLimit());
    assertEquals("eu-west-1", config.region());
    assertEquals(Optional.of(Path.of("/tmp/logs")), config.logDir());
    assertEquals(Optional.of("/opt/ric/*"), config.runtimeClasspath());
    assertEquals(Duration.ofSeconds(60), config.idleReclaim());
    // Lambda's defaults: environments freeze, init has 10 s.
    EmulatorConfig defaults = EmulatorConfig.fromSettings(Map.of());
    assertEquals(true, defaults.freeze());
    assertEquals(Duration.ofSeconds(10), defaults.initTimeout());
  }

  @Test
  void badValuesNameTheSettingAndTheForm() {
    Map<String, String> mistakes = Map.of(
        "LAMBDASCOPE_IDLE_RECLAIM", "60",
        "LAMBDASCOPE_FREEZE", "no",
        "LAMBDASCOPE_SQS_RATE_LIMIT", "0",
        "LAMBDASCOPE_ENDPOINT", "127.0.0.1:4318",
        "LAMBDASCOPE_INVOKE_PORT", "any");
    mistakes.forEach((name, value) -> {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> EmulatorConfig.fromSettings(Map.of(name, value)), name);
      assertTrue(e.getMessage().startsWith(name + ": '" + value + "' "), e.getMessage());
      assertTrue(e.getMessage().contains("; expected "), e.getMessage());
    });
  }
}
