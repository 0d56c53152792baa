package io.lambdascope.benchmarks.function;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.lambdascope.testing.TestContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Plays the Lambda runtime for one cold start: loads the class named in {@code _HANDLER}, invokes
 * it once, and prints when the handler returned ({@code done <epoch ms>}) and its result. The
 * harness measures from process spawn to that instant, so JVM exit (shutdown hooks) is left out,
 * as Lambda freezes rather than exits.
 */
public final class ColdStartDriver {
  private ColdStartDriver() {}

  public static void main(String[] args) throws Exception {
    RequestHandler<Map<String, Object>, String> handler = Handlers.load();
    Map<String, Object> event = new HashMap<>();
    event.put("name", "bench");
    // Name and log stream from the Lambda variables the harness sets, as the runtime's own Context.
    String result =
        handler.handleRequest(
            event, TestContext.builder().requestId("cold-0001").timeout(Duration.ofSeconds(60)).build());
    long done = System.currentTimeMillis();
    System.out.println("done " + done);
    System.out.println("result " + result);
  }
}
