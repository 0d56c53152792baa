package io.lambdascope.benchmarks.function;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;

/** A Lambda context as the runtime would pass it, with a deadline far enough away to never fire a watchdog. */
public final class BenchContext implements Context {
  private static final String ARN_PREFIX = "arn:aws:lambda:us-east-1:123456789012:function:";

  private final String requestId;
  private final String functionName;
  private final long deadlineMillis;

  public BenchContext(String requestId, String functionName, long timeoutMillis) {
    this.requestId = requestId;
    this.functionName = functionName;
    this.deadlineMillis = System.currentTimeMillis() + timeoutMillis;
  }

  /** The function name from {@code AWS_LAMBDA_FUNCTION_NAME}, as the runtime knows it. */
  public static String functionNameFromEnv() {
    String name = System.getenv("AWS_LAMBDA_FUNCTION_NAME");
    return name == null ? "bench-hello" : name;
  }

  @Override
  public String getAwsRequestId() {
    return requestId;
  }

  @Override
  public String getLogGroupName() {
    return "/aws/lambda/" + functionName;
  }

  @Override
  public String getLogStreamName() {
    return "2026/01/01/[$LATEST]bench";
  }

  @Override
  public String getFunctionName() {
    return functionName;
  }

  @Override
  public String getFunctionVersion() {
    return "$LATEST";
  }

  @Override
  public String getInvokedFunctionArn() {
    return ARN_PREFIX + functionName;
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
    return (int) Math.max(0, deadlineMillis - System.currentTimeMillis());
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
