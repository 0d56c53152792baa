package io.lambdascope.processor.dlq;

import io.lambdascope.processor.ProcessorConfig;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Polls dead-letter queues through the SQS API: their depth, the age of their oldest message, and
 * the visibility timeout of the source queues that feed them. Configured DLQs are watched
 * directly; source queues lead to theirs through their RedrivePolicy.
 */
public final class DlqWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DlqWatcher.class);

  /** One dead-letter queue as last seen. age is NaN while it is empty or unknown. */
  public record DlqStatus(String queue, String sourceQueue, String function, long messages, double oldestAgeSeconds) {}

  /** One source queue as last seen; its visibility timeout feeds a finding. */
  public record SourceStatus(String queue, String function, long visibilityTimeoutSeconds, String deadLetterQueue) {}

  public record Snapshot(List<DlqStatus> dlqs, List<SourceStatus> sources) {
    public static final Snapshot EMPTY = new Snapshot(List.of(), List.of());
  }

  private final ProcessorConfig config;
  private final SqsClient sqs;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private final Map<String, String> urls = new HashMap<>();
  private final Map<String, Long> nonEmptySince = new HashMap<>();
  private final Set<String> loggedErrors = new HashSet<>();
  private volatile Snapshot snapshot = Snapshot.EMPTY;

  public DlqWatcher(ProcessorConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.sqs = client(config);
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lambdascope-dlq-watcher");
      t.setDaemon(true);
      return t;
    });
  }

  static SqsClient client(ProcessorConfig config) {
    SqsClientBuilder b = SqsClient.builder().region(Region.of(config.sqsRegion()));
    if (config.sqsEndpoint() != null) {
      b.endpointOverride(config.sqsEndpoint());
    }
    if (config.sqsAccessKeyId() != null) {
      b.credentialsProvider(StaticCredentialsProvider.create(
          AwsBasicCredentials.create(config.sqsAccessKeyId(), config.sqsSecretAccessKey())));
    } else if (config.sqsEndpoint() != null) {
      // ElasticMQ and other local endpoints accept any key; saves users from inventing one.
      b.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
    }
    return b.build();
  }

  public void start() {
    executor.scheduleWithFixedDelay(this::pollSafely, 0, config.dlqPollInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      logOnce("poll", e);
    }
  }

  /** One round over every queue; a queue that fails keeps its previous status and is logged once. */
  public synchronized void poll() {
    Map<String, DlqStatus> previous = new HashMap<>();
    for (DlqStatus d : snapshot.dlqs()) {
      previous.put(d.queue(), d);
    }
    List<SourceStatus> sources = new ArrayList<>();
    Map<String, String[]> dlqs = new LinkedHashMap<>(); // dlq name -> {source queue, function}
    for (Map.Entry<String, String> e : config.sourceQueues().entrySet()) {
      try {
        String url = url(e.getKey());
        GetQueueAttributesResponse r = sqs.getQueueAttributes(b -> b.queueUrl(url)
            .attributeNames(QueueAttributeName.REDRIVE_POLICY, QueueAttributeName.VISIBILITY_TIMEOUT));
        String redrive = r.attributes().get(QueueAttributeName.REDRIVE_POLICY);
        String dlqName = null;
        if (redrive != null && !redrive.isEmpty()) {
          String arn = new JsonObject(redrive).getString("deadLetterTargetArn");
          if (arn != null) {
            dlqName = arn.substring(arn.lastIndexOf(':') + 1);
            dlqs.put(dlqName, new String[] {name(e.getKey()), e.getValue()});
          }
        }
        long visibility = Long.parseLong(r.attributes().getOrDefault(QueueAttributeName.VISIBILITY_TIMEOUT, "-1"));
        sources.add(new SourceStatus(name(e.getKey()), e.getValue(), visibility, dlqName));
        loggedErrors.remove(e.getKey());
      } catch (RuntimeException ex) {
        logOnce(e.getKey(), ex);
      }
    }
    for (Map.Entry<String, String> e : config.dlqQueues().entrySet()) {
      dlqs.putIfAbsent(name(e.getKey()), new String[] {"", e.getValue()});
      urls.putIfAbsent(name(e.getKey()), e.getKey().startsWith("http") ? e.getKey() : null);
    }
    List<DlqStatus> out = new ArrayList<>();
    for (Map.Entry<String, String[]> e : dlqs.entrySet()) {
      String queue = e.getKey();
      try {
        out.add(measure(queue, e.getValue()[0], e.getValue()[1]));
        loggedErrors.remove(queue);
      } catch (RuntimeException ex) {
        logOnce(queue, ex);
        if (previous.containsKey(queue)) {
          out.add(previous.get(queue));
        }
      }
    }
    snapshot = new Snapshot(List.copyOf(out), List.copyOf(sources));
  }

  private DlqStatus measure(String queue, String source, String function) {
    String url = url(queue);
    GetQueueAttributesResponse r = sqs.getQueueAttributes(b -> b.queueUrl(url)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    long messages = Long.parseLong(r.attributes().getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"));
    long now = clock.millis();
    double age = Double.NaN;
    if (messages <= 0) {
      nonEmptySince.remove(queue);
      age = 0;
    } else {
      long since = nonEmptySince.computeIfAbsent(queue, q -> now);
      age = (now - since) / 1000.0;
      if (config.dlqAgeMode() == ProcessorConfig.DlqAgeMode.PEEK) {
        long oldestSent = oldestSentTimestamp(url);
        if (oldestSent > 0) {
          age = Math.max(0, (now - oldestSent) / 1000.0);
        }
      }
    }
    return new DlqStatus(queue, source, function, messages, age);
  }

  /** Receives up to 10 messages without hiding them; raises their receive counts (documented cost). */
  private long oldestSentTimestamp(String url) {
    List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
        .visibilityTimeout(0).waitTimeSeconds(0)
        .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
    long oldest = 0;
    for (Message m : messages) {
      String sent = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
      if (sent != null) {
        long t = Long.parseLong(sent);
        oldest = oldest == 0 ? t : Math.min(oldest, t);
      }
    }
    return oldest;
  }

  private String url(String queue) {
    if (queue.startsWith("http://") || queue.startsWith("https://")) {
      return queue;
    }
    String cached = urls.get(queue);
    if (cached != null) {
      return cached;
    }
    String url = sqs.getQueueUrl(GetQueueUrlRequest.builder().queueName(queue).build()).queueUrl();
    urls.put(queue, url);
    return url;
  }

  private static String name(String queue) {
    return queue.startsWith("http") ? queue.substring(queue.lastIndexOf('/') + 1) : queue;
  }

  private void logOnce(String what, RuntimeException e) {
    if (loggedErrors.add(what)) {
      log.warn("DLQ watcher cannot read {}: {}; will keep trying", what, e.toString());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    sqs.close();
  }
}
