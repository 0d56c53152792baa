package io.lambdascope.processor.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.processor.ProcessorConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class QueueRefTest {
  @Test
  void urlsAndArnsSayWhereTheQueueLivesAndANameLivesInTheDefaultRegion() {
    assertEquals(new QueueRef("orders-dlq", null, "123456789012", "eu-west-1"),
        QueueRef.parse("arn:aws:sqs:eu-west-1:123456789012:orders-dlq", "us-east-1"));
    assertEquals(new QueueRef("q.fifo", null, "123456789012", "cn-north-1"),
        QueueRef.parse("arn:aws-cn:sqs:cn-north-1:123456789012:q.fifo", "us-east-1"));
    for (String host : new String[] {"sqs.ap-southeast-2.amazonaws.com", "ap-southeast-2.queue.amazonaws.com",
        "sqs-fips.ap-southeast-2.amazonaws.com", "vpce-0abc-xyz.sqs.ap-southeast-2.vpce.amazonaws.com"}) {
      String url = "https://" + host + "/210987654321/billing";
      assertEquals(new QueueRef("billing", url, "210987654321", "ap-southeast-2"), QueueRef.parse(url, "us-east-1"), host);
    }
    String local = "http://127.0.0.1:9324/000000000000/local-dlq";
    assertEquals(new QueueRef("local-dlq", local, "000000000000", "us-east-1"), QueueRef.parse(local, "us-east-1"));
    assertEquals(new QueueRef("plain", null, "", "eu-central-1"), QueueRef.parse(" plain ", "eu-central-1"));
    assertEquals(new QueueRef("plain", "https://sqs.eu-central-1.amazonaws.com/111122223333/plain", "111122223333",
        "eu-central-1"), QueueRef.parse("plain", "eu-central-1")
        .withUrl("https://sqs.eu-central-1.amazonaws.com/111122223333/plain"));
  }

  @Test
  void whatIsNoQueueIsRefusedWithTheSettingNamed() {
    for (String bad : new String[] {"arn:aws:sns:eu-west-1:123456789012:topic", "arn:aws:sqs:eu-west-1:123456789012",
        "arn:aws:sqs::123456789012:q", "https://sqs.eu-west-1.amazonaws.com/", "a/b"}) {
      assertThrows(IllegalArgumentException.class, () -> QueueRef.parse(bad, "us-east-1"), bad);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProcessorConfig.fromSettings(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "k:1", "LAMBDASCOPE_DLQ_QUEUES", "arn:aws:sns:eu-west-1:123456789012:topic=fn")));
    assertEquals("LAMBDASCOPE_DLQ_QUEUES: not an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>): "
        + "arn:aws:sns:eu-west-1:123456789012:topic", e.getMessage());
  }

  @Test
  void credentialsAreTheDefaultChainUnlessKeysAreGivenOrTheEndpointIsLocal() {
    ProcessorConfig.Builder b = ProcessorConfig.builder().bootstrapServers("k:1");
    assertEquals(DefaultCredentialsProvider.class, SqsClients.credentials(b.build()).getClass());
    // A non-local endpoint (a VPC endpoint, say) still uses the chain: roles need no static key.
    assertEquals(DefaultCredentialsProvider.class, SqsClients.credentials(b.sqsEndpoint(
        java.net.URI.create("https://vpce-0abc.sqs.eu-west-1.vpce.amazonaws.com")).build()).getClass());
    assertEquals("local", SqsClients.credentials(b.sqsEndpoint(java.net.URI.create("http://127.0.0.1:9324")).build())
        .resolveCredentials().accessKeyId());
    ProcessorConfig temporary = ProcessorConfig.fromSettings(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k:1",
        "LAMBDASCOPE_DLQ_QUEUES", "q", "AWS_ACCESS_KEY_ID", "ASIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMIEXAMPLE", "AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLE"));
    StaticCredentialsProvider p = (StaticCredentialsProvider) SqsClients.credentials(temporary);
    AwsSessionCredentials c = (AwsSessionCredentials) p.resolveCredentials();
    assertEquals("ASIAEXAMPLE", c.accessKeyId());
    assertEquals("FwoGZXIvYXdzEXAMPLE", c.sessionToken());
    String line = temporary.describe();
    assertTrue(line.contains(" key ASIA**** secret **** session-token ****"), line);
    assertFalse(line.contains("wJalrXUtnFEMIEXAMPLE") || line.contains("FwoGZXIvYXdzEXAMPLE"), line);
  }
}
