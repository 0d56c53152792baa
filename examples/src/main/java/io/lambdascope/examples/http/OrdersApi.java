package io.lambdascope.examples.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lambdascope.examples.shared.EnvironmentVariables;
import io.lambdascope.examples.shared.Sqs;
import java.io.IOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * An HTTP API behind API Gateway (HTTP API, payload format 2.0): {@code POST /orders} validates an order and queues
 * it for the order worker; {@code GET /orders/{id}} answers from a small in-memory cache.
 *
 * <p>It misbehaves like real services do, deterministically per execution environment: every
 * {@code ORDERS_API_5XX_EVERY}-th request answers 502 (a flaky inventory dependency), every
 * {@code ORDERS_API_EXCEPTION_EVERY}-th throws; when SQS throttles it answers 503 with Retry-After. 0 disables.
 * Queue: {@code ORDERS_QUEUE} (name).
 */
public final class OrdersApi implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
  // Built during init, once per execution environment: its cost belongs to the cold start, not to a request.
  private static final SqsClient SQS = Sqs.client();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong REQUESTS = new AtomicLong();
  private static volatile String queueUrl;

  private final long fiveXxEvery = EnvironmentVariables.number("ORDERS_API_5XX_EVERY", 0);
  private final long exceptionEvery = EnvironmentVariables.number("ORDERS_API_EXCEPTION_EVERY", 0);

  @Override
  public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
    long n = REQUESTS.incrementAndGet();
    if (exceptionEvery > 0 && n % exceptionEvery == 0) {
      throw new IllegalStateException("order cache corrupted: inconsistent entry for request " + n);
    }
    if (fiveXxEvery > 0 && n % fiveXxEvery == 0) {
      return response(502, Map.of("message", "inventory service unavailable"));
    }
    String method = event.getRequestContext() == null || event.getRequestContext().getHttp() == null
        ? "GET" : event.getRequestContext().getHttp().getMethod();
    String path = event.getRawPath() == null ? "/" : event.getRawPath();
    if (method.equals("POST") && path.equals("/orders")) {
      return createOrder(event.getBody(), context);
    }
    if (method.equals("GET") && path.startsWith("/orders/")) {
      return response(200, Map.of("orderId", path.substring("/orders/".length()), "status", "QUEUED"));
    }
    return response(404, Map.of("message", "no route for " + method + " " + path));
  }

  private APIGatewayV2HTTPResponse createOrder(String body, Context context) {
    JsonNode order;
    try {
      order = body == null ? null : JSON.readTree(body);
    } catch (IOException e) {
      return response(400, Map.of("message", "body is not JSON"));
    }
    if (order == null || !order.hasNonNull("sku") || order.path("quantity").asInt(0) == 0) {
      return response(400, Map.of("message", "an order needs a sku and a quantity"));
    }
    ObjectNode queued = ((ObjectNode) order).put("orderId",
        order.hasNonNull("orderId") ? order.get("orderId").asText() : UUID.randomUUID().toString());
    queued.put("acceptedBy", context.getAwsRequestId());
    try {
      SQS.sendMessage(b -> b.queueUrl(queueUrl()).messageBody(queued.toString()));
    } catch (SqsException e) {
      if (e.isThrottlingException()) {
        context.getLogger().log("SQS throttled SendMessage: " + e.awsErrorDetails().errorCode());
        APIGatewayV2HTTPResponse busy = response(503, Map.of("message", "busy, retry later"));
        busy.setHeaders(Map.of("Content-Type", "application/json", "Retry-After", "1"));
        return busy;
      }
      throw e;
    }
    return response(202, Map.of("orderId", queued.get("orderId").asText(), "status", "QUEUED"));
  }

  private static String queueUrl() {
    String url = queueUrl;
    if (url == null) {
      String name = EnvironmentVariables.string("ORDERS_QUEUE", "orders");
      url = SQS.getQueueUrl(b -> b.queueName(name)).queueUrl();
      queueUrl = url;
    }
    return url;
  }

  private static APIGatewayV2HTTPResponse response(int status, Map<String, ?> body) {
    try {
      return APIGatewayV2HTTPResponse.builder()
          .withStatusCode(status)
          .withHeaders(Map.of("Content-Type", "application/json"))
          .withBody(JSON.writeValueAsString(body))
          .build();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
