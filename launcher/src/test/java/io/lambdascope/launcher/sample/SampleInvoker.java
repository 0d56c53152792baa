package io.lambdascope.launcher.sample;

import io.lambdascope.testing.TestContext;
import java.time.Duration;
import java.util.Map;

/**
 * Calls {@link SampleHandler} the way the Lambda runtime does, in a JVM of its own:
 * {@code SampleInvoker <invocations> <failEvery>}. Every {@code failEvery}-th invocation throws.
 * Prints one line per invocation, so a test can compare runs with and without the agent.
 */
public final class SampleInvoker {
  private SampleInvoker() {}

  public static void main(String[] args) {
    int invocations = Integer.parseInt(args[0]);
    int failEvery = Integer.parseInt(args[1]);
    SampleHandler handler = new SampleHandler();
    for (int i = 1; i <= invocations; i++) {
      Map<String, Object> input = Map.of("order", i, "fail", failEvery > 0 && i % failEvery == 0);
      // The function's name and log stream come from the environment, as the runtime's own Context.
      TestContext.Builder context = TestContext.builder().requestId("req-" + i).timeout(Duration.ofSeconds(30));
      try {
        System.out.println(i + " -> " + handler.handleRequest(input, context.build()));
      } catch (RuntimeException e) {
        System.out.println(i + " !! " + e);
      }
    }
  }
}
