package io.lambdascope.processor.dlq;

import io.lambdascope.processor.ProcessorConfig;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * One SQS client per region, made when a queue there is first read, all with the same credentials
 * and, when set, the same endpoint override (ElasticMQ serves every region at one address).
 *
 * <p>Credentials: static keys when the settings carry them (with the session token of temporary
 * ones), else the AWS SDK's default chain (environment, profiles, web identity, container and
 * instance roles; no static key needed). Against a loopback endpoint without keys, a dummy key,
 * which ElasticMQ accepts, rather than a search of the chain that ends at the instance metadata
 * service.
 */
public final class SqsClients implements AutoCloseable {
  private final URI endpoint;
  private final AwsCredentialsProvider credentials;
  private final Map<String, SqsClient> byRegion = new ConcurrentHashMap<>();

  public SqsClients(ProcessorConfig config) {
    this.endpoint = config.sqsEndpoint();
    this.credentials = credentials(config);
  }

  static AwsCredentialsProvider credentials(ProcessorConfig config) {
    return credentials(config, config.sqsEndpoint());
  }

  /** The credentials for calls to {@code endpoint} (an override, or null for AWS's): see the class comment. */
  public static AwsCredentialsProvider credentials(ProcessorConfig config, URI endpoint) {
    if (config.sqsAccessKeyId() != null) {
      return StaticCredentialsProvider.create(config.sqsSessionToken() == null
          ? AwsBasicCredentials.create(config.sqsAccessKeyId(), config.sqsSecretAccessKey())
          : AwsSessionCredentials.create(config.sqsAccessKeyId(), config.sqsSecretAccessKey(), config.sqsSessionToken()));
    }
    if (endpoint != null && isLoopback(endpoint)) {
      return StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  private static boolean isLoopback(URI endpoint) {
    try {
      return endpoint.getHost() != null && InetAddress.getByName(endpoint.getHost()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  public SqsClient client(String region) {
    return byRegion.computeIfAbsent(region, r -> {
      SqsClientBuilder b = SqsClient.builder().region(Region.of(r)).credentialsProvider(credentials);
      if (endpoint != null) {
        b.endpointOverride(endpoint);
      }
      return b.build();
    });
  }

  /** The regions a client was made for. */
  Set<String> regions() {
    return new TreeSet<>(byRegion.keySet());
  }

  @Override
  public void close() {
    byRegion.values().forEach(SqsClient::close);
    if (credentials instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception ignored) {
        // nothing to do at shutdown
      }
    }
  }
}
