package io.lambdascope.testing;

import static java.util.Objects.requireNonNull;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Lambda {@link Context} for calling a handler as the runtime does: a request id, a deadline
 * that runs from the moment the context is built, and the function's identity. The object it
 * builds is of a class that is not public, as the runtime's own implementation may not be, so an
 * agent must reach it through the {@link Context} interface.
 *
 * <pre>{@code
 * Context ctx = TestContext.builder().requestId("req-1").timeout(Duration.ofSeconds(3)).build();
 * }</pre>
 */
public final class TestContext {
  /** Region and account of the ARNs the builder makes up when none is given. */
  public static final String DEFAULT_REGION = "eu-west-1";

  public static final String DEFAULT_ACCOUNT = "123456789012";

  private TestContext() {}

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults: request id {@code test-request}, function from {@code AWS_LAMBDA_FUNCTION_NAME} (else {@code test}), 3 s, 512 MB. */
  public static final class Builder {
    private String requestId = "test-request";
    private String functionName;
    private String functionVersion = "$LATEST";
    private String invokedFunctionArn;
    private String logStreamName;
    private Duration timeout = Duration.ofSeconds(3);
    private int memoryLimitMb = 512;
    private List<String> logSink;

    private Builder() {}

    public Builder requestId(String requestId) {
      this.requestId = requireNonNull(requestId, "requestId");
      return this;
    }

    public Builder functionName(String functionName) {
      this.functionName = requireNonNull(functionName, "functionName");
      return this;
    }

    public Builder functionVersion(String functionVersion) {
      this.functionVersion = requireNonNull(functionVersion, "functionVersion");
      return this;
    }

    /** Default: {@code arn:aws:lambda:eu-west-1:123456789012:function:<name>}. */
    public Builder invokedFunctionArn(String invokedFunctionArn) {
      this.invokedFunctionArn = requireNonNull(invokedFunctionArn, "invokedFunctionArn");
      return this;
    }

    public Builder logStreamName(String logStreamName) {
      this.logStreamName = requireNonNull(logStreamName, "logStreamName");
      return this;
    }

    /** The deadline is this long after {@link #build()}. */
    public Builder timeout(Duration timeout) {
      this.timeout = requireNonNull(timeout, "timeout");
      return this;
    }

    public Builder memoryLimitMb(int memoryLimitMb) {
      this.memoryLimitMb = memoryLimitMb;
      return this;
    }

    /** What the function logs through {@link Context#getLogger()} is added to this list; without it the logger is null. */
    public Builder logTo(List<String> logSink) {
      this.logSink = requireNonNull(logSink, "logSink");
      return this;
    }

    public Context build() {
      String name = functionName != null ? functionName : envOr("AWS_LAMBDA_FUNCTION_NAME", "test");
      String arn =
          invokedFunctionArn != null
              ? invokedFunctionArn
              : "arn:aws:lambda:" + DEFAULT_REGION + ":" + DEFAULT_ACCOUNT + ":function:" + name;
      String stream = logStreamName != null ? logStreamName : envOr("AWS_LAMBDA_LOG_STREAM_NAME", "test");
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      LambdaLogger logger = logSink == null ? null : new ListLogger(logSink);
      return new InvocationContext(requestId, name, functionVersion, arn, stream, deadline, memoryLimitMb, logger);
    }

    private static String envOr(String name, String fallback) {
      String value = System.getenv(name);
      return value == null || value.isEmpty() ? fallback : value;
    }
  }

  /** Not public: the runtime's own Context implementation may not be either. */
  static final class InvocationContext implements Context {
    private final String requestId;
    private final String functionName;
    private final String functionVersion;
    private final String invokedFunctionArn;
    private final String logStreamName;
    private final long deadlineMillis;
    private final int memoryLimitMb;
    private final LambdaLogger logger;

    InvocationContext(
        String requestId,
        String functionName,
        String functionVersion,
        String invokedFunctionArn,
        String logStreamName,
        long deadlineMillis,
        int memoryLimitMb,
        LambdaLogger logger) {
      this.requestId = requestId;
      this.functionName = functionName;
      this.functionVersion = functionVersion;
      this.invokedFunctionArn = invokedFunctionArn;
      this.logStreamName = logStreamName;
      this.deadlineMillis = deadlineMillis;
      this.memoryLimitMb = memoryLimitMb;
      this.logger = logger;
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
      return logStreamName;
    }

    @Override
    public String getFunctionName() {
      return functionName;
    }

    @Override
    public String getFunctionVersion() {
      return functionVersion;
    }

    @Override
    public String getInvokedFunctionArn() {
      return invokedFunctionArn;
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
      return memoryLimitMb;
    }

    @Override
    public LambdaLogger getLogger() {
      return logger;
    }
  }

  private static final class ListLogger implements LambdaLogger {
    private final List<String> sink;

    ListLogger(List<String> sink) {
      this.sink = sink;
    }

    @Override
    public void log(String message) {
      sink.add(message);
    }

    @Override
    public void log(byte[] message) {
      sink.add(new String(message, StandardCharsets.UTF_8));
    }
  }

  /** A thread-safe list for {@link Builder#logTo}. */
  public static List<String> logSink() {
    return new CopyOnWriteArrayList<>();
  }
}
