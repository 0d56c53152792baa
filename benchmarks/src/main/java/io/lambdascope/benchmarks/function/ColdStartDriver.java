package io.lambdascope.benchmarks.function;

import com.amazonaws.services.lambda.runtime.RequestHandler;
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
    String result =
        handler.handleRequest(
            event,
            new BenchContext("cold-0001", BenchContext.functionNameFromEnv(), 60_000));
    long done = System.currentTimeMillis();
    System.out.println("done " + done);
    System.out.println("result " + result);
  }
}
