package io.lambdascope.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lambdascope.processor.ProcessorConfig;
import io.lambdascope.processor.http.HttpApi;
import io.lambdascope.processor.http.RecentInvocations;
import io.lambdascope.settings.SettingException;
import io.lambdascope.settings.Settings;
import io.lambdascope.testing.SelfSignedTls;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailCommandTest {
  @TempDir Path dir;

  /**
   * The processor's own HTTP port, with a token and a self-signed certificate (no invocations yet:
   * how they print is tested above). The right token reads the page, a wrong one gets a clear message.
   */
  @Test
  void tailSendsItsTokenAndTrustsTheGivenCertificate() throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir);
    RecentInvocations recent = new RecentInvocations(10);
    Vertx vertx = Vertx.vertx();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      HttpServer server = new HttpApi(registry, List::of, recent, () -> true, () -> "RUNNING",
          Map.of("op-token-4242", "*")).listen(vertx, ProcessorConfig.builder().bootstrapServers("unused:9092")
          .metricsPort(0).metricsAuthTokens(Map.of("op-token-4242", "*")).metricsTls(tls.certPem(), tls.keyPem())
          .build());
      Path tokenFile = Files.writeString(dir.resolve("token"), "\nop-token-4242\n");
      Map<String, String> env = Map.of(
          "LAMBDASCOPE_PROCESSOR_URL", "https://127.0.0.1:" + server.actualPort(),
          "LAMBDASCOPE_PROCESSOR_CA", tls.certPem().toString(),
          "LAMBDASCOPE_TAIL_FOLLOW", "false");

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      Settings withToken = Settings.of(env).with("LAMBDASCOPE_PROCESSOR_TOKEN_FILE", tokenFile.toString());
      assertEquals(0, new TailCommand().run(withToken, new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8)), err.toString(StandardCharsets.UTF_8));
      assertEquals("", out.toString(StandardCharsets.UTF_8));

      err.reset();
      Settings wrongToken = Settings.of(env).with("LAMBDASCOPE_PROCESSOR_TOKEN", "guess");
      assertEquals(1, new TailCommand().run(wrongToken, new PrintStream(new ByteArrayOutputStream()),
          new PrintStream(err, true, StandardCharsets.UTF_8)));
      assertEquals("lambdascope tail: the processor at https://127.0.0.1:" + server.actualPort() + " wants a token it "
          + "knows: check LAMBDASCOPE_PROCESSOR_TOKEN or LAMBDASCOPE_PROCESSOR_TOKEN_FILE",
          err.toString(StandardCharsets.UTF_8).strip());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      registry.close();
    }
  }

  @Test
  void theTokenComesFromOnePlace() throws Exception {
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertEquals("LAMBDASCOPE_PROCESSOR_TOKEN_FILE: " + empty + " holds no token",
        assertThrows(SettingException.class, () -> TailCommand.token(Settings.of(
            Map.of("LAMBDASCOPE_PROCESSOR_TOKEN_FILE", empty.toString())))).getMessage());
    assertEquals("set LAMBDASCOPE_PROCESSOR_TOKEN or LAMBDASCOPE_PROCESSOR_TOKEN_FILE, not both",
        assertThrows(SettingException.class, () -> TailCommand.token(Settings.of(Map.of(
            "LAMBDASCOPE_PROCESSOR_TOKEN", "t", "LAMBDASCOPE_PROCESSOR_TOKEN_FILE", empty.toString())))).getMessage());
    assertEquals("t", TailCommand.token(Settings.of(Map.of("LAMBDASCOPE_PROCESSOR_TOKEN", "t"))));
  }

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
