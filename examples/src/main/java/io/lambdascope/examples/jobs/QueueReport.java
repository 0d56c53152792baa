package io.lambdascope.examples.jobs;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import io.lambdascope.examples.shared.EnvironmentVariables;
import io.lambdascope.examples.shared.Sqs;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * A scheduled job (EventBridge rule): reports the backlog of the queues in {@code REPORT_QUEUES} (comma-separated
 * names). Each run makes two SQS calls per queue, so under load it meets SQS throttling and the run fails (Lambda
 * then retries the scheduled event).
 */
public final class QueueReport implements RequestHandler<ScheduledEvent, Map<String, Object>> {
  // Built during init, once per execution environment: its cost belongs to the cold start, not to a request.
  private static final SqsClient SQS = Sqs.client();

  private final String[] queues = EnvironmentVariables.string("REPORT_QUEUES", "orders,orders-dlq").split(",");

  @Override
  public Map<String, Object> handleRequest(ScheduledEvent event, Context context) {
    Map<String, Object> backlog = new LinkedHashMap<>();
    for (String raw : queues) {
      String queue = raw.trim();
      String url = SQS.getQueueUrl(b -> b.queueName(queue)).queueUrl();
      Map<QueueAttributeName, String> attributes = SQS.getQueueAttributes(b -> b.queueUrl(url)
          .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
              QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
      backlog.put(queue, Map.of(
          "visible", Long.parseLong(attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")),
          "inFlight", Long.parseLong(
              attributes.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0"))));
    }
    context.getLogger().log("queue report for " + event.getId() + ": " + backlog);
    return Map.of("scheduledEvent", event.getId() == null ? "" : event.getId(), "backlog", backlog);
  }
}
