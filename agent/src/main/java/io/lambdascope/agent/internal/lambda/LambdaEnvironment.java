package io.lambdascope.agent.internal.lambda;

import java.util.Map;

/**
 * The function and its execution environment as Lambda describes them in the environment variables it sets,
 * falling back to the Context where a variable is missing. Read once, at the first invocation.
 */
public final class LambdaEnvironment {
    /** Set by the runtime client for each invocation: a JVM cannot change its own environment variables. */
    private static final String TRACE_HEADER_PROPERTY = "com.amazonaws.xray.traceHeader";
    private static final String TRACE_HEADER_VARIABLE = "_X_AMZN_TRACE_ID";

    public final String functionName;
    public final String functionVersion;
    /** The log stream: one per execution environment. */
    public final String instance;
    /** Configured memory in bytes, or -1 when unknown. */
    public final long maxMemoryBytes;
    public final String region;
    /** {@code on-demand}, {@code provisioned-concurrency} or {@code snap-start}. */
    public final String initializationType;

    private LambdaEnvironment(String functionName, String functionVersion, String instance, long maxMemoryBytes,
                              String region, String initializationType) {
        this.functionName = functionName;
        this.functionVersion = functionVersion;
        this.instance = instance;
        this.maxMemoryBytes = maxMemoryBytes;
        this.region = region;
        this.initializationType = initializationType;
    }

    /** The X-Ray trace header of the invocation running now, or null. */
    public static String traceHeader() {
        String header = System.getProperty(TRACE_HEADER_PROPERTY);
        return header != null ? header : System.getenv(TRACE_HEADER_VARIABLE);
    }

    /**
     * @param env     the environment variables (normally {@code System.getenv()})
     * @param ctx     the reader of {@code context}, or null when the handler takes no Context
     * @param context the first invocation's Context, or null
     */
    public static LambdaEnvironment read(Map<String, String> env, ContextReader ctx, Object context) {
        String name = env.get("AWS_LAMBDA_FUNCTION_NAME");
        if ((name == null || name.isEmpty()) && ctx != null) {
            name = ctx.functionName(context);
        }
        long memoryMb = -1;
        String configured = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE");
        if (configured != null) {
            try {
                memoryMb = Long.parseLong(configured.trim());
            } catch (NumberFormatException e) {
                memoryMb = -1;
            }
        }
        if (memoryMb <= 0 && ctx != null) {
            memoryMb = ctx.memoryLimitMb(context);
        }
        String version = env.get("AWS_LAMBDA_FUNCTION_VERSION");
        String initType = env.get("AWS_LAMBDA_INITIALIZATION_TYPE");
        return new LambdaEnvironment(name == null || name.isEmpty() ? "unknown_function" : name,
                version == null ? "$LATEST" : version, env.get("AWS_LAMBDA_LOG_STREAM_NAME"),
                memoryMb > 0 ? memoryMb * 1024 * 1024 : -1, env.get("AWS_REGION"),
                initType == null || initType.isEmpty() ? "on-demand" : initType);
    }
}
