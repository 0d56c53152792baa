package io.lambdascope.processor.awsconfig;

import static java.util.Objects.requireNonNull;

import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.processor.decode.FunctionId;
import io.lambdascope.processor.dlq.DlqWatcher;
import io.lambdascope.processor.dlq.QueueRef;
import io.lambdascope.processor.dlq.SqsClients;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;
import software.amazon.awssdk.services.lambda.model.AccountLimit;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.GetFunctionConfigurationResponse;
import software.amazon.awssdk.services.lambda.model.ProvisionedConcurrencyConfigListItem;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;

/**
 * Reads, through the Lambda API, the configuration of the functions this replica owns (those in its published,
 * committed state): timeout, memory, architectures, reserved and provisioned concurrency, SQS event source
 * mappings with their queues' visibility timeout; and each account's concurrency limit in each region.
 *
 * <p>One scheduler thread looks every few seconds for what is due (never read, or read a refresh interval ago) and
 * hands it to a pool of {@code LAMBDASCOPE_AWS_CONFIG_CONCURRENCY} threads; a function is read by one thread at a
 * time. Stream threads never wait for it: they only publish state, which this reads. A read that fails keeps what
 * was read before, is counted by reason and tried again after a minute (or the refresh interval, if shorter).
 *
 * <p>Only functions whose account and region are known are read, and only those in the account of the reader's
 * own credentials (STS GetCallerIdentity, at the Lambda endpoint override when one is set): a function of another
 * account is skipped and counted ({@code other_account}). Reading other accounts would need a role to assume in
 * each (STS AssumeRole per account, with that account's role ARN in a setting): not built.
 */
public final class ConfigReader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigReader.class);
  private static final long TICK_MS = 5_000;
  private static final long RETRY_MS = 60_000;

  /** Why a read failed or was skipped: the values of {@code lambdascope_config_reader_errors_total{reason}}. */
  public enum Reason {
    /** The function is in another account than the credentials'. */
    OTHER_ACCOUNT("other_account"),
    /** STS did not say whose the credentials are. */
    CALLER_IDENTITY("caller_identity"),
    /** The function (or its queue) does not exist, in its account and region. */
    NOT_FOUND("not_found"),
    /** The credentials may not read it (IAM). */
    ACCESS_DENIED("access_denied"),
    /** AWS throttled the read (the SDK's retries included). */
    THROTTLED("throttled"),
    /** No answer: network, endpoint, credentials not found. */
    UNREACHABLE("unreachable"),
    /** Any other error. */
    ERROR("error");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * An SQS event source mapping of a function: its queue and batch size, and the queue's visibility timeout.
   *
   * @param visibilityTimeoutSeconds -1 when the queue could not be read
   */
  public record SqsSource(String queue, String accountId, String region, int batchSize, long visibilityTimeoutSeconds) {}

  /**
   * A function's configuration as last read.
   *
   * @param reservedConcurrency -1 when the function has none (it draws on the account's unreserved pool)
   * @param provisionedConcurrency allocated provisioned concurrency, summed over its versions and aliases
   */
  public record FunctionConfig(long timeoutMs, long memoryBytes, List<String> architectures, int reservedConcurrency,
      int provisionedConcurrency, List<SqsSource> sqsSources, long readAtMs) {}

  /** An account's concurrency in a region, as last read (GetAccountSettings). */
  public record AccountConfig(String accountId, String region, int concurrencyLimit, int unreservedConcurrency,
      long readAtMs) {}

  private final ProcessorConfig config;
  private final Supplier<Collection<FunctionId>> owned;
  private final Clock clock;
  private final URI endpoint;
  private final AwsCredentialsProvider credentials;
  private final SqsClients sqs;
  private final Map<String, LambdaClient> lambdaByRegion = new ConcurrentHashMap<>();
  private final ScheduledExecutorService scheduler;
  private final ExecutorService readers;
  private final Map<FunctionId, FunctionConfig> functions = new ConcurrentHashMap<>();
  /** By account and region ("account/region"). */
  private final Map<String, AccountConfig> accounts = new ConcurrentHashMap<>();
  /** When each function (FunctionId) or account ("account/region") is next due. */
  private final Map<Object, Long> dueMs = new ConcurrentHashMap<>();
  private final Set<Object> inFlight = ConcurrentHashMap.newKeySet();
  private final Map<String, String> queueUrls = new ConcurrentHashMap<>();
  private final EnumMap<Reason, AtomicLong> errors = new EnumMap<>(Reason.class);
  private final Set<String> loggedErrors = ConcurrentHashMap.newKeySet();
  private final AtomicLong lastSuccessMs = new AtomicLong();
  private volatile String callerAccount;

  /**
   * @param owned the functions whose configuration to read: this replica's, from its published state
   */
  public ConfigReader(ProcessorConfig config, Supplier<Collection<FunctionId>> owned, Clock clock) {
    this.config = requireNonNull(config, "config");
    this.owned = requireNonNull(owned, "owned");
    this.clock = requireNonNull(clock, "clock");
    this.endpoint = config.lambdaEndpoint();
    this.credentials = SqsClients.credentials(config, endpoint);
    this.sqs = new SqsClients(config);
    for (Reason r : Reason.values()) {
      errors.put(r, new AtomicLong());
    }
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("lambdascope-aws-config"));
    this.readers = Executors.newFixedThreadPool(config.awsConfigConcurrency(), daemon("lambdascope-aws-config-read"));
  }

  public ConfigReader start() {
    long tick = Math.min(TICK_MS, config.awsConfigRefresh().toMillis());
    scheduler.scheduleWithFixedDelay(this::tick, 0, tick, TimeUnit.MILLISECONDS);
    return this;
  }

  /** The configuration of each owned function read at least once. */
  public Map<FunctionId, FunctionConfig> functions() {
    return Map.copyOf(functions);
  }

  /** The concurrency limits of the accounts and regions of the owned functions, read at least once. */
  public Collection<AccountConfig> accounts() {
    return List.copyOf(accounts.values());
  }

  /** Failed and skipped reads so far, by reason (every reason, 0 included). */
  public Map<Reason, Long> errors() {
    EnumMap<Reason, Long> out = new EnumMap<>(Reason.class);
    errors.forEach((r, n) -> out.put(r, n.get()));
    return out;
  }

  /** When a read last succeeded (epoch ms), 0 if never. */
  public long lastSuccessMs() {
    return lastSuccessMs.get();
  }

  /**
   * The SQS event sources of the owned functions whose queue could be read, for the visibility finding: each
   * names its function by account, region and name, with the configured timeout.
   */
  public List<DlqWatcher.SourceStatus> sources() {
    List<DlqWatcher.SourceStatus> out = new ArrayList<>();
    functions.forEach((id, c) -> {
      for (SqsSource s : c.sqsSources()) {
        if (s.visibilityTimeoutSeconds() >= 0) {
          out.add(new DlqWatcher.SourceStatus(s.queue(), id.name(), id.account(), id.region(),
              s.visibilityTimeoutSeconds(), c.timeoutMs(), ""));
        }
      }
    });
    return out;
  }

  private void tick() {
    try {
      long now = clock.millis();
      Set<FunctionId> current = new HashSet<>();
      Set<String> accountRegions = new HashSet<>();
      for (FunctionId id : owned.get()) {
        if (id.isFolded() || id.hasUnknownPart()) {
          continue; // nothing to ask Lambda about
        }
        current.add(id);
        accountRegions.add(id.account() + "/" + id.region());
        submitIfDue(id, now, () -> readFunction(id));
      }
      for (String key : accountRegions) {
        String[] p = key.split("/", 2);
        submitIfDue(key, now, () -> readAccount(key, p[0], p[1]));
      }
      // Functions this replica no longer owns (or that expired) leave: their owner reads them.
      functions.keySet().retainAll(current);
      accounts.keySet().retainAll(accountRegions);
      dueMs.keySet().removeIf(k -> !current.contains(k) && !accountRegions.contains(k));
    } catch (RuntimeException e) {
      logOnce("tick", e);
    }
  }

  private void submitIfDue(Object key, long now, Runnable read) {
    if (dueMs.getOrDefault(key, 0L) <= now && inFlight.add(key)) {
      readers.execute(() -> {
        boolean ok = false;
        try {
          ok = attempt(key.toString(), read);
        } finally {
          long next = clock.millis() + (ok ? config.awsConfigRefresh().toMillis()
              : Math.min(RETRY_MS, config.awsConfigRefresh().toMillis()));
          dueMs.put(key, next);
          inFlight.remove(key);
        }
      });
    }
  }

  /** Runs one read; counts and logs (once per subject and reason) what failed. */
  private boolean attempt(String subject, Runnable read) {
    try {
      read.run();
      lastSuccessMs.accumulateAndGet(clock.millis(), Math::max);
      loggedErrors.removeIf(k -> k.startsWith(subject + " "));
      return true;
    } catch (Skipped s) {
      if (s.reason != null) {
        errors.get(s.reason).incrementAndGet();
        logOnce(subject + " " + s.reason.label(), s);
      }
      return false;
    } catch (SdkException e) {
      Reason r = reason(e);
      errors.get(r).incrementAndGet();
      logOnce(subject + " " + r.label(), e);
      return false;
    } catch (RuntimeException e) {
      errors.get(Reason.ERROR).incrementAndGet();
      logOnce(subject + " " + Reason.ERROR.label(), e);
      return false;
    }
  }

  private void readFunction(FunctionId id) {
    requireOwnAccount(id.account());
    LambdaClient lambda = lambda(id.region());
    String name = id.name();
    GetFunctionConfigurationResponse c = lambda.getFunctionConfiguration(b -> b.functionName(name));
    Integer reserved = lambda.getFunctionConcurrency(b -> b.functionName(name)).reservedConcurrentExecutions();
    int provisioned = 0;
    for (ProvisionedConcurrencyConfigListItem p
        : lambda.listProvisionedConcurrencyConfigsPaginator(b -> b.functionName(name)).provisionedConcurrencyConfigs()) {
      Integer allocated = p.allocatedProvisionedConcurrentExecutions();
      provisioned += allocated == null ? 0 : allocated;
    }
    List<SqsSource> sources = new ArrayList<>();
    for (EventSourceMappingConfiguration m
        : lambda.listEventSourceMappingsPaginator(b -> b.functionName(name)).eventSourceMappings()) {
      String arn = m.eventSourceArn();
      String state = m.state() == null ? "" : m.state();
      if (arn == null || !arn.contains(":sqs:") || state.startsWith("Disabl")) {
        continue; // other sources (streams, Kafka), or a mapping that consumes nothing now
      }
      QueueRef queue = QueueRef.fromArn(arn);
      sources.add(new SqsSource(queue.name(), queue.accountId(), queue.region(),
          m.batchSize() == null ? 0 : m.batchSize(), visibilityTimeout(queue, arn)));
    }
    functions.put(id, new FunctionConfig(
        c.timeout() == null ? 0 : c.timeout() * 1000L,
        c.memorySize() == null ? 0 : c.memorySize() * 1024L * 1024L,
        c.architecturesAsStrings() == null ? List.of() : List.copyOf(c.architecturesAsStrings()),
        reserved == null ? -1 : reserved, provisioned, List.copyOf(sources), clock.millis()));
  }

  /** The queue's VisibilityTimeout in seconds; -1 (and counted) when the queue cannot be read. */
  private long visibilityTimeout(QueueRef queue, String arn) {
    try {
      String url = queueUrls.computeIfAbsent(arn, a -> sqs.client(queue.region()).getQueueUrl(b -> {
        b.queueName(queue.name());
        if (!queue.accountId().isEmpty()) {
          b.queueOwnerAWSAccountId(queue.accountId());
        }
      }).queueUrl());
      String v = sqs.client(queue.region()).getQueueAttributes(b -> b.queueUrl(url)
          .attributeNames(QueueAttributeName.VISIBILITY_TIMEOUT)).attributes().get(QueueAttributeName.VISIBILITY_TIMEOUT);
      return v == null ? -1 : Long.parseLong(v);
    } catch (SdkException e) {
      queueUrls.remove(arn);
      Reason r = reason(e);
      errors.get(r).incrementAndGet();
      logOnce(arn + " " + r.label(), e);
      return -1;
    }
  }

  private void readAccount(String key, String account, String region) {
    if (!callerAccount().equals(account)) {
      // Another account's limits are not the credentials' to read; its functions are counted as skipped.
      throw new Skipped(null, "account " + account);
    }
    AccountLimit limit = lambda(region).getAccountSettings(b -> {}).accountLimit();
    accounts.put(key, new AccountConfig(account, region,
        limit.concurrentExecutions() == null ? 0 : limit.concurrentExecutions(),
        limit.unreservedConcurrentExecutions() == null ? 0 : limit.unreservedConcurrentExecutions(), clock.millis()));
  }

  private void requireOwnAccount(String account) {
    String caller = callerAccount();
    if (!caller.equals(account)) {
      throw new Skipped(Reason.OTHER_ACCOUNT, "account " + account + " is not the credentials' account " + caller
          + " (reading other accounts needs a role to assume there: not supported)");
    }
  }

  /** The credentials' account, asked of STS once (again after a failure). */
  private String callerAccount() {
    String known = callerAccount;
    if (known != null) {
      return known;
    }
    synchronized (this) {
      if (callerAccount == null) {
        StsClientBuilder b = StsClient.builder().region(Region.of(config.sqsRegion())).credentialsProvider(credentials);
        if (endpoint != null) {
          b.endpointOverride(endpoint);
        }
        try (StsClient sts = b.build()) {
          callerAccount = sts.getCallerIdentity().account();
        } catch (SdkException e) {
          throw new Skipped(Reason.CALLER_IDENTITY, "STS GetCallerIdentity failed: " + e.getMessage());
        }
        log.info("the configuration reader reads functions of account {} (its credentials')", callerAccount);
      }
      return callerAccount;
    }
  }

  private LambdaClient lambda(String region) {
    return lambdaByRegion.computeIfAbsent(region, r -> {
      LambdaClientBuilder b = LambdaClient.builder().region(Region.of(r)).credentialsProvider(credentials);
      if (endpoint != null) {
        b.endpointOverride(endpoint);
      }
      return b.build();
    });
  }

  static Reason reason(SdkException e) {
    if (e instanceof AwsServiceException s) {
      String code = s.awsErrorDetails() == null || s.awsErrorDetails().errorCode() == null
          ? "" : s.awsErrorDetails().errorCode();
      if (s.isThrottlingException()) {
        return Reason.THROTTLED;
      }
      if (s.statusCode() == 404 || code.contains("NotFound") || code.contains("NonExistentQueue")) {
        return Reason.NOT_FOUND;
      }
      if (s.statusCode() == 403 || code.contains("AccessDenied") || code.contains("Unauthorized")) {
        return Reason.ACCESS_DENIED;
      }
      return Reason.ERROR;
    }
    return e instanceof SdkClientException ? Reason.UNREACHABLE : Reason.ERROR;
  }

  private void logOnce(String what, Exception e) {
    if (loggedErrors.add(what)) {
      log.warn("configuration reader: {}: {}; will keep trying", what, e.getMessage());
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    readers.shutdownNow();
    try {
      readers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lambdaByRegion.values().forEach(LambdaClient::close);
    sqs.close();
    if (credentials instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // nothing to do at shutdown
      }
    }
  }

  /** A read that is not attempted, for a reason that is counted (null: not counted). */
  private static final class Skipped extends RuntimeException {
    final Reason reason;

    Skipped(Reason reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }
  }
}
