package io.lambdascope.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.AccountLimit;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyConfigListItem;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyConfigNotFoundException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The control-plane reads through the real AWS SDK v2 clients (Lambda, STS, SQS against ElasticMQ), as a reader of a
 * function's configuration calls them on AWS. No environment is started: nothing is invoked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LambdaControlPlaneTest {
  @TempDir static Path dir;
  private Emulator emulator;
  private LambdaClient lambda;

  @BeforeAll
  void start() throws Exception {
    Path jar = Files.writeString(dir.resolve("function.jar"), "never run");
    Path functions = dir.resolve("functions.yaml");
    Files.writeString(functions, """
        functions:
          - name: orders-worker
            jar: %s
            handler: example.Handler::handleRequest
            memory: 256
            timeout: 4s
            reservedConcurrency: 3
            provisionedConcurrency: 2
            sqs:
              - queue: orders
                batchSize: 2
                visibilityTimeout: 7s
                reportBatchItemFailures: true
          - name: reports
            jar: %s
            handler: example.Reports::handleRequest
            timeout: 1500ms
        """.formatted(jar, jar));
    emulator = Emulator.start(EmulatorConfig.builder()
        .functionsFile(functions)
        .invokePort(0)
        .sqsPort(0)
        .region("eu-west-1")
        .endpoint(URI.create("http://127.0.0.1:1"))
        .logDir(dir.resolve("logs"))
        .build());
    lambda = LambdaClient.builder()
        .endpointOverride(URI.create(emulator.invokeEndpoint()))
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  @AfterAll
  void stop() {
    if (lambda != null) {
      lambda.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }

  @Test
  void functionConfigurationFromTheDefinition() {
    GetFunctionConfigurationResponse c = lambda.getFunctionConfiguration(b -> b.functionName("orders-worker"));
    assertEquals("orders-worker", c.functionName());
    assertEquals("arn:aws:lambda:eu-west-1:000000000000:function:orders-worker", c.functionArn());
    assertEquals(4, c.timeout());
    assertEquals(256, c.memorySize());
    assertEquals(List.of(Architecture.X86_64), c.architectures());
    assertEquals("example.Handler::handleRequest", c.handler());
    // Lambda's timeout is whole seconds: 1500ms reads as 2.
    assertEquals(2, lambda.getFunctionConfiguration(b -> b.functionName("reports")).timeout());
    // By ARN, as for a function of a known account.
    assertEquals(256, lambda.getFunctionConfiguration(b -> b.functionName(
        "arn:aws:lambda:eu-west-1:000000000000:function:orders-worker")).memorySize());
  }

  @Test
  void unknownFunctionsAndOtherAccountsAreNotFound() {
    assertThrows(ResourceNotFoundException.class, () -> lambda.getFunctionConfiguration(b -> b.functionName("nope")));
    assertThrows(ResourceNotFoundException.class, () -> lambda.getFunctionConfiguration(b -> b.functionName(
        "arn:aws:lambda:eu-west-1:123456789012:function:orders-worker")));
    assertThrows(ResourceNotFoundException.class, () -> lambda.getFunctionConcurrency(b -> b.functionName("nope")));
  }

  @Test
  void reservedAndProvisionedConcurrency() {
    assertEquals(3, lambda.getFunctionConcurrency(b -> b.functionName("orders-worker")).reservedConcurrentExecutions());
    assertEquals(10, lambda.getFunctionConcurrency(b -> b.functionName("reports")).reservedConcurrentExecutions());
    List<ProvisionedConcurrencyConfigListItem> configs = lambda.listProvisionedConcurrencyConfigsPaginator(
        b -> b.functionName("orders-worker")).provisionedConcurrencyConfigs().stream().toList();
    assertEquals(1, configs.size());
    assertEquals("arn:aws:lambda:eu-west-1:000000000000:function:orders-worker:live", configs.get(0).functionArn());
    assertEquals(2, configs.get(0).allocatedProvisionedConcurrentExecutions());
    assertEquals(2, lambda.getProvisionedConcurrencyConfig(b -> b.functionName("orders-worker").qualifier("live"))
        .allocatedProvisionedConcurrentExecutions());
    assertTrue(lambda.listProvisionedConcurrencyConfigs(b -> b.functionName("reports"))
        .provisionedConcurrencyConfigs().isEmpty());
    assertThrows(ProvisionedConcurrencyConfigNotFoundException.class,
        () -> lambda.getProvisionedConcurrencyConfig(b -> b.functionName("reports").qualifier("live")));
  }

  @Test
  void eventSourceMappingsAndTheQueueTheyRead() {
    List<EventSourceMappingConfiguration> mappings = lambda.listEventSourceMappingsPaginator(
        b -> b.functionName("orders-worker")).eventSourceMappings().stream().toList();
    assertEquals(1, mappings.size());
    EventSourceMappingConfiguration m = mappings.get(0);
    assertEquals("arn:aws:sqs:eu-west-1:000000000000:orders", m.eventSourceArn());
    assertEquals(2, m.batchSize());
    assertEquals("arn:aws:lambda:eu-west-1:000000000000:function:orders-worker", m.functionArn());
    assertEquals(List.of(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES), m.functionResponseTypes());
    assertEquals("Enabled", m.state());
    assertTrue(lambda.listEventSourceMappings(b -> b.functionName("reports")).eventSourceMappings().isEmpty());

    // The mapped queue's visibility timeout, from ElasticMQ, found by the ARN's name and owner.
    try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(emulator.sqsEndpoint()))
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create()).build()) {
      String url = sqs.getQueueUrl(b -> b.queueName("orders").queueOwnerAWSAccountId("000000000000")).queueUrl();
      Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(b -> b.queueUrl(url)
          .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes();
      assertEquals("7", attributes.get(QueueAttributeName.VISIBILITY_TIMEOUT));
    }
  }

  @Test
  void accountSettings() {
    AccountLimit limit = lambda.getAccountSettings(b -> {}).accountLimit();
    assertEquals(1000, limit.concurrentExecutions());
    assertEquals(1000 - 3 - 10, limit.unreservedConcurrentExecutions());
    assertEquals(2L, lambda.getAccountSettings(b -> {}).accountUsage().functionCount());
  }

  @Test
  void callerIdentityIsTheEmulatorsAccount() {
    try (StsClient sts = StsClient.builder().endpointOverride(URI.create(emulator.invokeEndpoint()))
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create()).build()) {
      assertEquals("000000000000", sts.getCallerIdentity().account());
    }
  }

  @Test
  void provisionedConcurrencyAboveTheReservedIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FunctionsFile.parse("""
        functions:
          - {name: f, jar: f.jar, handler: h, reservedConcurrency: 2, provisionedConcurrency: 3}
        """, dir, Map.of()));
    assertTrue(e.getMessage().contains("provisionedConcurrency must be 0..2"), e.getMessage());
  }
}
