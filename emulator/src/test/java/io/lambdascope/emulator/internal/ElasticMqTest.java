package io.lambdascope.emulator.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lambdascope.emulator.cloudwatch.MetricStore;
import io.lambdascope.emulator.cloudwatch.SqsMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The emulator's SQS names its queues as AWS does: ARNs in the emulator's region and account. */
class ElasticMqTest {
  @Test
  void queueArnsCarryTheEmulatorsRegionAndAccount() {
    ElasticMq sqs = new ElasticMq("127.0.0.1", 0, "eu-west-1",
        new SqsMetrics(new MetricStore(Duration.ofMinutes(1), Duration.ofMinutes(10)), Clock.systemUTC()));
    try {
      String url = sqs.createQueue("orders-dlq", Map.of());
      String arn = sqs.client().getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
          .attributes().get(QueueAttributeName.QUEUE_ARN);
      // A redrive policy names its dead-letter queue by this ARN: the DLQ watcher reads region and account from it.
      assertEquals("arn:aws:sqs:eu-west-1:" + LambdaControlPlane.ACCOUNT + ":orders-dlq", arn);
    } finally {
      sqs.close();
    }
  }
}
