package io.lambdascope.examples.orders;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lambdascope.examples.shared.EnvironmentVariables;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Works through queued orders: validates each, charges it with the payments service ({@code PAYMENTS_URL}) and
 * reports the orders it could not take as batch item failures, so only they come back.
 *
 * <p>When the payments service is slow the batch outlives the function's timeout (the environment is killed, the
 * whole batch returns) and the queue's visibility timeout (the same messages are delivered again while the first
 * attempt still runs); orders that keep failing end in the dead-letter queue. Invalid orders (quantity 0 or less, or
 * sku {@code POISON}) always fail. {@code ORDER_WORKER_WORK_MS} adds fixed work per order.
 */
public final class OrderWorker implements RequestHandler<SQSEvent, SQSBatchResponse> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static {
    // Priming during init (as SnapStart users do): the first order would otherwise pay for loading Jackson's and
    // the HTTP client's classes inside the invocation's timeout.
    try {
      JSON.readTree("{\"orderId\":\"prime\",\"sku\":\"PRIME\",\"quantity\":1}");
      String payments = EnvironmentVariables.string("PAYMENTS_URL", null);
      if (payments != null) {
        HTTP.send(HttpRequest.newBuilder(URI.create(payments + "/health")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.discarding());
      }
    } catch (IOException e) {
      // the payments service may be down at init: the orders will tell
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private final String paymentsUrl = EnvironmentVariables.string("PAYMENTS_URL", null);
  private final long workMs = EnvironmentVariables.number("ORDER_WORKER_WORK_MS", 0);

  @Override
  public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    for (SQSEvent.SQSMessage message : event.getRecords()) {
      try {
        process(message);
      } catch (InvalidOrderException | IOException e) {
        context.getLogger().log("order " + message.getMessageId() + " failed: " + e.getMessage());
        failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(message.getMessageId()).build());
      }
    }
    return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
  }

  private void process(SQSEvent.SQSMessage message) throws IOException, InterruptedException {
    JsonNode order = JSON.readTree(message.getBody());
    String sku = order.path("sku").asText("");
    int quantity = order.path("quantity").asInt(0);
    if (quantity <= 0 || sku.isEmpty() || sku.equals("POISON")) {
      throw new InvalidOrderException("invalid order: sku=" + sku + " quantity=" + quantity);
    }
    if (workMs > 0) {
      Thread.sleep(workMs);
    }
    if (paymentsUrl != null) {
      HttpResponse<String> charged = HTTP.send(HttpRequest.newBuilder(URI.create(paymentsUrl + "/charges"))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(message.getBody()))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      if (charged.statusCode() != 200) {
        throw new IOException("payments answered " + charged.statusCode());
      }
    }
  }

  /** An order that will never succeed, however often it is retried. */
  static final class InvalidOrderException extends RuntimeException {
    InvalidOrderException(String message) {
      super(message);
    }
  }
}
