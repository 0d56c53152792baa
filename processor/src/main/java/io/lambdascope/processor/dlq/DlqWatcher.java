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
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Polls dead-letter queues through the SQS API: their depth, the age of their oldest message, and
 * the visibility timeout of the source queues that feed them. Configured DLQs are watched
 * directly; source queues lead to theirs through their RedrivePolicy. Queues may live in any
 * region and account (given as URLs or ARNs); each region gets its own client.
 *
 * <p>One replica of a cluster polls the DLQs: the one for which {@code active} holds (the replica
 * running the task of one input partition, see {@link TaskOwnership}). It checks that every second,
 * so another replica takes over as soon as Kafka Streams has moved the task to it. The others read
 * only the source queues' settings, which the visibility finding of the functions they own needs.
 */
public final class DlqWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DlqWatcher.class);
  private static final long OWNERSHIP_CHECK_MS = 1000;

  /**
   * One dead-letter queue as last seen. {@code messages} is -1 and {@code oldestAgeSeconds} NaN
   * while it has never been read; a queue that cannot be read keeps what it last showed.
   * {@code queue} is "" for the unknown DLQ of a source queue that has never been read.
   *
   * @param lastSuccessMs when the queue was last read (epoch ms), 0 if never
   */
  public record DlqStatus(String queue, String sourceQueue, String function, String accountId, String region,
      long messages, double oldestAgeSeconds, long lastSuccessMs) {}

  /**
   * One source queue and the function that consumes it, as last seen; its visibility timeout feeds a finding. The
   * watcher knows the function by name only ({@code accountId} and {@code region} "", {@code functionTimeoutMs} 0:
   * the timeout the function's telemetry told); the configuration reader by its event source mapping (its
   * account, region and configured timeout).
   */
  public record SourceStatus(String queue, String function, String accountId, String region,
      long visibilityTimeoutSeconds, long functionTimeoutMs, String deadLetterQueue) {
    /** A source queue as the watcher knows it: the consuming function by name. */
    public SourceStatus(String queue, String function, long visibilityTimeoutSeconds, String deadLetterQueue) {
      this(queue, function, "", "", visibilityTimeoutSeconds, 0, deadLetterQueue);
    }
  }

  public record Snapshot(List<DlqStatus> dlqs, List<SourceStatus> sources) {
    public static final Snapshot EMPTY = new Snapshot(List.of(), List.of());

    /** The same DLQs with other source queues (the configuration reader's, which replace the watcher's). */
    public Snapshot withSources(List<SourceStatus> replacement) {
      return new Snapshot(dlqs, List.copyOf(replacement));
    }
  }

  /** A DLQ to read this round, and what leads to it. */
  private record Target(QueueRef queue, String sourceQueue, String function) {}

  private final ProcessorConfig config;
  private final SqsClients clients;
  private final Clock clock;
  private final BooleanSupplier active;
  private final ScheduledExecutorService executor;
  /** Configured references, as written, to what they resolved to: URL and account. */
  private final Map<String, QueueRef> resolvedByText = new HashMap<>();
  /** Queues by {@link QueueRef#key()} to what they resolved to. */
  private final Map<String, QueueRef> resolvedByKey = new HashMap<>();
  /** Source queues (as written) to the DLQ their RedrivePolicy named when last read. */
  private final Map<String, QueueRef> deadLetterOf = new HashMap<>();
  private final Map<String, DlqStatus> last = new HashMap<>();
  private final Map<String, Long> nonEmptySince = new HashMap<>();
  private final Set<String> loggedErrors = new HashSet<>();
  private volatile Snapshot snapshot = Snapshot.EMPTY;
  /** Whether this replica polled the DLQs at the last ownership check. */
  private boolean polling;
  private long nextPollNanos;

  /** A watcher that always polls: a single replica, or tests. */
  public DlqWatcher(ProcessorConfig config, Clock clock) {
    this(config, clock, () -> true);
  }

  /** A watcher that polls the DLQs while {@code active} holds. */
  public DlqWatcher(ProcessorConfig config, Clock clock, BooleanSupplier active) {
    this.config = config;
    this.clock = clock;
    this.active = active;
    this.clients = new SqsClients(config);
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lambdascope-dlq-watcher");
      t.setDaemon(true);
      return t;
    });
  }

  public void start() {
    long tick = Math.min(OWNERSHIP_CHECK_MS, config.dlqPollInterval().toMillis());
    executor.scheduleWithFixedDelay(this::tick, 0, tick, TimeUnit.MILLISECONDS);
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** The regions a client was made for. */
  Set<String> regions() {
    return clients.regions();
  }

  private synchronized void tick() {
    try {
      boolean owner = active.getAsBoolean();
      long now = System.nanoTime();
      if (owner != polling) {
        polling = owner;
        nextPollNanos = now;
        if (owner) {
          log.info("this replica polls the dead-letter queues now ({})", active);
        } else {
          log.info("another replica polls the dead-letter queues now; this one reads only the source queues");
          forgetDlqs();
        }
      }
      if (now - nextPollNanos >= 0) {
        nextPollNanos = now + config.dlqPollInterval().toNanos();
        if (owner) {
          poll();
        } else {
          snapshot = new Snapshot(List.of(), readSources());
        }
      }
    } catch (RuntimeException e) {
      logOnce("poll", e);
    }
  }

  /** What this replica showed of the DLQs goes: the replica that polls now shows its own. */
  private void forgetDlqs() {
    last.clear();
    nonEmptySince.clear();
    snapshot = new Snapshot(List.of(), snapshot.sources());
  }

  /** One round over every queue; a queue that fails keeps its previous status and is logged once. */
  public synchronized void poll() {
    List<SourceStatus> sources = readSources();
    Map<String, Target> targets = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : config.sourceQueues().entrySet()) {
      QueueRef dlq = deadLetterOf.get(e.getKey());
      QueueRef source = ref(e.getKey());
      if (dlq != null) {
        targets.putIfAbsent(dlq.key(), new Target(dlq, source.name(), e.getValue()));
      } else {
        // Its RedrivePolicy was never read: its DLQ is unknown, and shown as never read.
        String key = "source/" + source.key();
        last.putIfAbsent(key, new DlqStatus("", source.name(), e.getValue(), source.accountId(), source.region(),
            -1, Double.NaN, 0));
        targets.putIfAbsent(key, new Target(null, source.name(), e.getValue()));
      }
    }
    for (Map.Entry<String, String> e : config.dlqQueues().entrySet()) {
      QueueRef dlq;
      try {
        dlq = resolve(e.getKey()); // a name learns its account, so it is recognised if a RedrivePolicy names it too
      } catch (RuntimeException ex) {
        logOnce(e.getKey(), ex);
        dlq = ref(e.getKey());
      }
      targets.putIfAbsent(dlq.key(), new Target(dlq, "", e.getValue()));
    }
    List<DlqStatus> out = new ArrayList<>();
    for (Map.Entry<String, Target> e : targets.entrySet()) {
      String key = e.getKey();
      Target t = e.getValue();
      if (t.queue() == null) {
        out.add(last.get(key));
        continue;
      }
      try {
        DlqStatus status = measure(key, t);
        last.put(key, status);
        loggedErrors.remove(key);
      } catch (RuntimeException ex) {
        logOnce(key, ex);
        last.putIfAbsent(key, new DlqStatus(t.queue().name(), t.sourceQueue(), t.function(), t.queue().accountId(),
            t.queue().region(), -1, Double.NaN, 0));
      }
      out.add(last.get(key));
    }
    snapshot = new Snapshot(List.copyOf(out), sources);
  }

  /** Reads each source queue's RedrivePolicy and visibility timeout; remembers the DLQ each names. */
  private List<SourceStatus> readSources() {
    List<SourceStatus> sources = new ArrayList<>();
    for (Map.Entry<String, String> e : config.sourceQueues().entrySet()) {
      String text = e.getKey();
      try {
        QueueRef source = resolve(text);
        GetQueueAttributesResponse r = clients.client(source.region()).getQueueAttributes(b -> b.queueUrl(source.url())
            .attributeNames(QueueAttributeName.REDRIVE_POLICY, QueueAttributeName.VISIBILITY_TIMEOUT));
        String redrive = r.attributes().get(QueueAttributeName.REDRIVE_POLICY);
        String dlqName = null;
        if (redrive != null && !redrive.isEmpty()) {
          String arn = new JsonObject(redrive).getString("deadLetterTargetArn");
          if (arn != null) {
            QueueRef dlq = QueueRef.fromArn(arn);
            deadLetterOf.put(text, dlq);
            dlqName = dlq.name();
          }
        }
        long visibility = Long.parseLong(r.attributes().getOrDefault(QueueAttributeName.VISIBILITY_TIMEOUT, "-1"));
        sources.add(new SourceStatus(source.name(), e.getValue(), visibility, dlqName));
        loggedErrors.remove(text);
      } catch (RuntimeException ex) {
        logOnce(text, ex);
      }
    }
    return List.copyOf(sources);
  }

  private DlqStatus measure(String key, Target t) {
    QueueRef q = resolve(t.queue());
    SqsClient sqs = clients.client(q.region());
    GetQueueAttributesResponse r = sqs.getQueueAttributes(b -> b.queueUrl(q.url())
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    long messages = Long.parseLong(r.attributes().getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0"));
    long now = clock.millis();
    double age;
    if (messages <= 0) {
      nonEmptySince.remove(key);
      age = 0;
    } else {
      long since = nonEmptySince.computeIfAbsent(key, k -> now);
      age = (now - since) / 1000.0;
      if (config.dlqAgeMode() == ProcessorConfig.DlqAgeMode.PEEK) {
        long oldestSent = oldestSentTimestamp(sqs, q.url());
        if (oldestSent > 0) {
          age = Math.max(0, (now - oldestSent) / 1000.0);
        }
      }
    }
    return new DlqStatus(q.name(), t.sourceQueue(), t.function(), q.accountId(), q.region(), messages, age, now);
  }

  /** Receives up to 10 messages without hiding them; raises their receive counts (documented cost). */
  private static long oldestSentTimestamp(SqsClient sqs, String url) {
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

  /** A configured reference as far as it is known: resolved when it has been, else as written. */
  private QueueRef ref(String text) {
    QueueRef known = resolvedByText.get(text);
    return known != null ? known : QueueRef.parse(text, config.sqsRegion());
  }

  private QueueRef resolve(String text) {
    QueueRef r = resolve(ref(text));
    resolvedByText.put(text, r);
    return r;
  }

  /** The queue with its URL: asked of SQS (in its region, of its owner when known) unless given. */
  private QueueRef resolve(QueueRef q) {
    if (q.url() != null) {
      return q;
    }
    QueueRef cached = resolvedByKey.get(q.key());
    if (cached != null) {
      return cached;
    }
    String url = clients.client(q.region()).getQueueUrl(b -> {
      b.queueName(q.name());
      if (!q.accountId().isEmpty()) {
        b.queueOwnerAWSAccountId(q.accountId());
      }
    }).queueUrl();
    QueueRef r = q.withUrl(url);
    resolvedByKey.put(q.key(), r);
    return r;
  }

  private void logOnce(String what, RuntimeException e) {
    if (loggedErrors.add(what)) {
      log.warn("DLQ watcher cannot read {}: {}; will keep trying", what, e.toString());
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    clients.close();
  }
}
