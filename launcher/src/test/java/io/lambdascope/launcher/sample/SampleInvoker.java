package io.lambdascope.launcher.sample;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
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
      try {
        System.out.println(i + " -> " + handler.handleRequest(input, new InvocationContext("req-" + i, 30_000)));
      } catch (RuntimeException e) {
        System.out.println(i + " !! " + e);
      }
    }
  }

  /** A fixed deadline and request id per invocation, as the runtime's own Context. */
  static final class InvocationContext implements Context {
    private final String requestId;
    private final long deadline;

    InvocationContext(String requestId, long timeoutMillis) {
      this.requestId = requestId;
      this.deadline = System.currentTimeMillis() + timeoutMillis;
    }

    @Override
    public String getAwsRequestId() {
      return requestId;
    }

    @Override
    public String getLogGroupName() {
      return "/aws/lambda/" + getFunctionName();
    }

    @Override
    public String getLogStreamName() {
      return System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
    }

    @Override
    public String getFunctionName() {
      return System.getenv("AWS_LAMBDA_FUNCTION_NAME");
    }

    @Override
    public String getFunctionVersion() {
      return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
      return "arn:aws:lambda:eu-west-1:123456789012:function:" + getFunctionName();
    }

    @Override
    public CognitoIdentity getIdentity() {
      return null;
    }

    @Override
    public ClientContext getClientContext() {
      return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
      return (int) Math.max(0, deadline - System.currentTimeMillis());
    }

    @Override
    public int getMemoryLimitInMB() {
      return 512;
    }

    @Override
    public LambdaLogger getLogger() {
      return null;
    }
  }
}
