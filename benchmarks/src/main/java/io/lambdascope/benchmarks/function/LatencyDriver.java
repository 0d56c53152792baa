package io.lambdascope.benchmarks.function;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.lambdascope.testing.TestContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Invokes the {@code _HANDLER} class {@code args[0]} times in one warm JVM and prints each
 * invocation's latency as the runtime would see it ({@code latency <i> <nanos>}): the agent's
 * export happens inside that window, so what it adds is measured.
 */
public final class LatencyDriver {
  private LatencyDriver() {}

  public static void main(String[] args) throws Exception {
    int invocations = Integer.parseInt(args[0]);
    RequestHandler<Map<String, Object>, String> handler = Handlers.load();
    Map<String, Object> event = new HashMap<>();
    event.put("name", "bench");
    for (int i = 0; i < invocations; i++) {
      Context context = TestContext.builder().requestId("lat-" + i).timeout(Duration.ofSeconds(60)).build();
      long start = System.nanoTime();
      String result = handler.handleRequest(event, context);
      long nanos = System.nanoTime() - start;
      if (!"hello bench".equals(result)) {
        throw new IllegalStateException("unexpected result: " + result);
      }
      System.out.println("latency " + i + " " + nanos);
    }
  }
}
