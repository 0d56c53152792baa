package io.lambdascope.emulator.internal;

import io.lambdascope.emulator.cloudwatch.SqsMetrics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The embedded ElasticMQ that plays SQS, and the emulator's own client for it. */
public final class ElasticMq implements AutoCloseable {
  private final ActorSystem actors;
  private final SQSRestServer server;
  private final int port;
  private final String host;
  private final SqsClient client;
  private final Map<String, String> urls = new ConcurrentHashMap<>();

  /** @param metrics told of every message added to or removed from a queue (CloudWatch's AWS/SQS figures) */
  public ElasticMq(String host, int requestedPort, String region, SqsMetrics metrics) {
    this.host = host;
    this.port = requestedPort == 0 ? freePort(host) : requestedPort;
    this.actors = ActorSystem.create("lambdascope-elasticmq");
    // The server address is what ElasticMQ writes into queue URLs: the real port, not 0. Queue ARNs (a redrive
    // policy's dead-letter target, say) carry the emulator's region and account, as AWS's carry the queue's own:
    // ElasticMQ's default region, "elasticmq", would make a dead-letter queue found through its source queue a
    // second queue in a region of that name.
    this.server = SQSRestServerBuilder.withActorSystem(actors)
        .withAWSRegion(region)
        .withAWSAccountId(LambdaControlPlane.ACCOUNT)
        .withQueueEventListener(actors.actorOf(ElasticMqQueueEvents.props(metrics), "queue-events"))
        .withPort(port)
        .withInterface(host)
        .withServerAddress(new NodeAddress("http", host, port, ""))
        .start();
    server.waitUntilStarted();
    this.client = SqsClient.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.of(region))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  private static int freePort(String host) {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  public String endpoint() {
    return "http://" + host + ":" + port;
  }

  public SqsClient client() {
    return client;
  }

  /** Creates the queue (idempotent) and returns its URL. */
  public String createQueue(String name, Map<QueueAttributeName, String> attributes) {
    String url = client.createQueue(b -> b.queueName(name).attributes(attributes)).queueUrl();
    urls.put(name, url);
    return url;
  }

  public String queueArn(String url) {
    return client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
  }

  /** URL of a queue created through {@link #createQueue}, else looked up. */
  public String queueUrl(String name) {
    return urls.computeIfAbsent(name, n -> client.getQueueUrl(b -> b.queueName(n)).queueUrl());
  }

  public void send(String queueName, String body) {
    client.sendMessage(b -> b.queueUrl(queueUrl(queueName)).messageBody(body));
  }

  @Override
  public void close() {
    client.close();
    server.stopAndWait();
    try {
      Await.ready(actors.terminate(), Duration.create(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      // terminating: nothing more to do
    }
  }
}
