package io.lambdascope.examples.probe;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A function whose behaviour is chosen by its input, so the emulator's tests can make it sleep, fail or exit on
 * demand: {@code {"sleepMs": 1500}}, {@code {"fail": "message"}}, {@code {"exit": 3}}. It answers with what it saw,
 * including how many times this execution environment has been invoked (1 means cold).
 */
public final class ProbeFunction implements RequestHandler<Map<String, Object>, Map<String, Object>> {

  // Static on purpose: it lives as long as the execution environment, like a warm connection pool would.
  private static int invocationsInThisEnvironment;
  private static final long ENVIRONMENT_STARTED_AT = System.nanoTime();

  @Override
  public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
    invocationsInThisEnvironment++;
    Map<String, Object> safeInput = input == null ? Map.of() : input;
    Object sleep = safeInput.get("sleepMs");
    if (sleep instanceof Number n && n.longValue() > 0) {
      try {
        Thread.sleep(n.longValue());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Object exit = safeInput.get("exit");
    if (exit instanceof Number n) {
      System.exit(n.intValue());
    }
    Object fail = safeInput.get("fail");
    if (fail != null) {
      throw new IllegalStateException(String.valueOf(fail));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("requestId", context.getAwsRequestId());
    out.put("functionName", context.getFunctionName());
    out.put("memoryLimitMb", context.getMemoryLimitInMB());
    out.put("remainingMs", context.getRemainingTimeInMillis());
    out.put("invocationsInThisEnvironment", invocationsInThisEnvironment);
    out.put("environmentAgeMs", (System.nanoTime() - ENVIRONMENT_STARTED_AT) / 1_000_000);
    out.put("logStream", System.getenv("AWS_LAMBDA_LOG_STREAM_NAME"));
    out.put("initializationType", System.getenv("AWS_LAMBDA_INITIALIZATION_TYPE"));
    out.put("input", safeInput);
    return out;
  }
}
