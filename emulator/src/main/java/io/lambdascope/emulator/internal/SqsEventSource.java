package io.lambdascope.emulator.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.lambdascope.emulator.FunctionDefinition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * An SQS event source mapping: pollers receive up to {@code batchSize} messages, get a concurrency slot (a
 * throttled attempt is retried after a backoff),
 * invoke the function with an SQS event and delete what it processed. Failed or timed-out batches are left alone,
 * so their messages come back after the visibility timeout and go to the DLQ after {@code maxReceiveCount} receives
 * (ElasticMQ applies the queue's redrive policy); with {@code reportBatchItemFailures} only the listed messages stay.
 * The visibility clock runs while a batch waits for a slot or runs longer than the timeout: such messages are
 * delivered again, as on AWS.
 */
public final class SqsEventSource implements AutoCloseable {
  private static final int MAX_POLLERS = 5;

  private final FunctionRuntime runtime;
  private final FunctionDefinition.SqsTrigger trigger;
  private final SqsClient sqs;
  private final String queueUrl;
  private final String queueArn;
  private final String region;
  private final List<Thread> pollers = new ArrayList<>();
  private volatile boolean closed;

  public SqsEventSource(FunctionRuntime runtime, FunctionDefinition.SqsTrigger trigger, SqsClient sqs,
      String queueUrl, String region) {
    this.runtime = requireNonNull(runtime, "runtime");
    this.trigger = requireNonNull(trigger, "trigger");
    this.sqs = requireNonNull(sqs, "sqs");
    this.queueUrl = requireNonNull(queueUrl, "queueUrl");
    this.region = requireNonNull(region, "region");
    // The ARN a function sees in eventSourceARN: the agent takes the queue name from it.
    this.queueArn = "arn:aws:sqs:" + region + ":000000000000:" + trigger.queue();
    // At least two pollers, so a message that reappears while its first delivery runs is received again.
    int n = Math.max(2, Math.min(MAX_POLLERS, runtime.definition().reservedConcurrency()));
    for (int i = 0; i < n; i++) {
      Thread t = new Thread(this::poll, "lambdascope-sqs-" + trigger.queue() + "-" + i);
      t.setDaemon(true);
      pollers.add(t);
      t.start();
    }
  }

  private void poll() {
    while (!closed) {
      try {
        List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
            .maxNumberOfMessages(trigger.batchSize())
            .waitTimeSeconds(1)
            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
            .messageAttributeNames("All")).messages();
        if (messages.isEmpty()) {
          continue;
        }
        // Throttled attempts count in Throttles; the poller keeps its batch and tries again after a backoff.
        for (int throttled = 1; !runtime.tryAcquire(); throttled++) {
          runtime.throttled();
          if (closed) {
            return;
          }
          Thread.sleep(ThrottleBackoff.delayMs(throttled));
        }
        InvocationResult result = runtime.invoke(UUID.randomUUID().toString(), Json.bytes(event(messages)));
        if (!result.failed()) {
          deleteProcessed(messages, trigger.reportBatchItemFailures() ? failedIds(result.body()) : Set.of());
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        System.err.println("lambdascope emulator: SQS poller for " + trigger.queue() + ": " + e);
        try {
          Thread.sleep(500);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** Message ids the function listed in {@code batchItemFailures}. */
  static Set<String> failedIds(byte[] response) {
    Set<String> ids = new HashSet<>();
    try {
      JsonNode root = Json.MAPPER.readTree(response);
      if (root != null) {
        for (JsonNode failure : root.path("batchItemFailures")) {
          ids.add(failure.path("itemIdentifier").asText());
        }
      }
    } catch (java.io.IOException e) {
      // not a batch response: everything succeeded
    }
    return ids;
  }

  private void deleteProcessed(List<Message> messages, Set<String> failed) {
    List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
    for (Message m : messages) {
      if (!failed.contains(m.messageId())) {
        entries.add(DeleteMessageBatchRequestEntry.builder()
            .id(Integer.toString(entries.size())).receiptHandle(m.receiptHandle()).build());
      }
    }
    if (!entries.isEmpty()) {
      sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
    }
  }

  /** The event Lambda passes for a batch (the shape of aws-lambda-java-events' SQSEvent). */
  private Map<String, Object> event(List<Message> messages) {
    List<Map<String, Object>> records = new ArrayList<>();
    for (Message m : messages) {
      Map<String, Object> attributes = new LinkedHashMap<>();
      m.attributes().forEach((k, v) -> attributes.put(k.toString(), v));
      Map<String, Object> messageAttributes = new LinkedHashMap<>();
      m.messageAttributes().forEach((k, v) -> {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("stringValue", v.stringValue());
        a.put("stringListValues", List.of());
        a.put("binaryListValues", List.of());
        a.put("dataType", v.dataType());
        messageAttributes.put(k, a);
      });
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("messageId", m.messageId());
      r.put("receiptHandle", m.receiptHandle());
      r.put("body", m.body());
      r.put("attributes", attributes);
      r.put("messageAttributes", messageAttributes);
      r.put("md5OfBody", m.md5OfBody());
      r.put("eventSource", "aws:sqs");
      r.put("eventSourceARN", queueArn);
      r.put("awsRegion", region);
      records.add(r);
    }
    return Map.of("Records", records);
  }

  @Override
  public void close() {
    closed = true;
    pollers.forEach(Thread::interrupt);
  }
}
