package io.lambdascope.examples.shared;

import java.net.URI;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/**
 * The SQS client the functions share, built once per execution environment (at cold start, as real functions do).
 * The endpoint comes from {@code AWS_ENDPOINT_URL_SQS} when set (the emulator sets it), else the SDK's default.
 */
public final class Sqs {
  private Sqs() {}

  public static SqsClient client() {
    SqsClientBuilder builder = SqsClient.builder()
        .region(Region.of(EnvironmentVariables.string("AWS_REGION", "us-east-1")))
        .httpClient(UrlConnectionHttpClient.create())
        // Few attempts: a throttled call should surface to the function instead of being retried for seconds.
        .overrideConfiguration(o -> o.retryStrategy(
            b -> b.maxAttempts((int) EnvironmentVariables.number("SQS_MAX_ATTEMPTS", 2))));
    String endpoint = EnvironmentVariables.string("AWS_ENDPOINT_URL_SQS", null);
    if (endpoint != null) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }
}
