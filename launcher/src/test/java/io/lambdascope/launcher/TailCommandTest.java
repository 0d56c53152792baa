package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TailCommandTest {

  @Test
  void aTimeoutShowsWhereTheThreadWaitsAndTheFunctionsOwnFrames() {
    String stack = String.join("\n",
        "at java.base@17.0.15/jdk.internal.misc.Unsafe.park(Native Method)",
        "at java.base@17.0.15/java.util.concurrent.locks.LockSupport.park(LockSupport.java:211)",
        "at java.base@17.0.15/java.util.concurrent.CompletableFuture.waitingGet(CompletableFuture.java:1898)",
        "at java.net.http/jdk.internal.net.http.HttpClientImpl.send(HttpClientImpl.java:573)",
        "at app//com.example.orders.Payments.charge(Payments.java:41)",
        "at app//com.example.orders.OrderWorker.handleRequest(OrderWorker.java:30)",
        "at java.base@17.0.15/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
        "at com.amazonaws.services.lambda.runtime.api.client.AWSLambda.startRuntime(AWSLambda.java:262)");
    JsonObject invocation = new JsonObject()
        .put("time", "2026-11-29T23:07:46.353Z").put("function", "orders-worker").put("outcome", "timeout")
        .put("coldstart", false).put("duration_ms", 4000.7).put("trigger", "pubsub")
        .put("invocation_id", "req-1").put("dedup_keys", new JsonArray(List.of("msg-1", "msg-2")))
        .put("duplicate", "redelivery").put("timeout_stack", stack);

    assertEquals(List.of(
        "2026-11-29T23:07:46.353Z  orders-worker  timeout  warm     4000.7 ms  pubsub  request=req-1  key=msg-1 (+1)"
            + "  DUPLICATE redelivery",
        "    at java.base@17.0.15/jdk.internal.misc.Unsafe.park(Native Method)",
        "    at java.base@17.0.15/java.util.concurrent.locks.LockSupport.park(LockSupport.java:211)",
        "    at java.base@17.0.15/java.util.concurrent.CompletableFuture.waitingGet(CompletableFuture.java:1898)",
        "    at app//com.example.orders.Payments.charge(Payments.java:41)",
        "    at app//com.example.orders.OrderWorker.handleRequest(OrderWorker.java:30)",
        "    ... 3 more frames (GET /api/invocations has them all)"), print(invocation));
  }

  @Test
  void anErrorShowsItsTypeAndMessage() {
    JsonObject invocation = new JsonObject()
        .put("time", "t").put("function", "orders-api").put("outcome", "error").put("coldstart", true)
        .put("trigger", "http").put("invocation_id", "req-2").put("dedup_keys", new JsonArray(List.of("req-2")))
        .put("error_type", "java.lang.IllegalStateException").put("error_message", "inventory down");
    assertEquals(List.of(
        "t  orders-api  error    cold  http  request=req-2",
        "    java.lang.IllegalStateException: inventory down"), print(invocation));
  }

  private static List<String> print(JsonObject invocation) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TailCommand.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), invocation);
    return bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
