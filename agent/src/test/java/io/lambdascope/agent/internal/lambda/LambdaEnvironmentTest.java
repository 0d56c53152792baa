package io.lambdascope.agent.internal.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.amazonaws.services.lambda.runtime.Context;
import io.lambdascope.testing.TestContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LambdaEnvironmentTest {
    @Test
    void readsWhatLambdaSets() {
        LambdaEnvironment env = LambdaEnvironment.read(Map.of("AWS_LAMBDA_FUNCTION_NAME", "orders",
                "AWS_LAMBDA_FUNCTION_VERSION", "12", "AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/29/[12]abc",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", " 1024 ", "AWS_REGION", "eu-central-1",
                "AWS_LAMBDA_INITIALIZATION_TYPE", "snap-start"), null, null);
        assertEquals("orders", env.functionName);
        assertEquals("12", env.functionVersion);
        assertEquals("2026/11/29/[12]abc", env.instance);
        assertEquals(1024L * 1024 * 1024, env.maxMemoryBytes);
        assertEquals("eu-central-1", env.region);
        assertEquals("snap-start", env.initializationType);
    }

    @Test
    void fallsBackToTheContextThenToDefaults() {
        Context context = TestContext.builder().functionName("from-context").memoryLimitMb(256).build();
        LambdaEnvironment env = LambdaEnvironment.read(Map.of("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "lots"),
                ContextReader.of(context), context);
        assertEquals("from-context", env.functionName);
        assertEquals(256L * 1024 * 1024, env.maxMemoryBytes);
        assertEquals("$LATEST", env.functionVersion);
        assertEquals("on-demand", env.initializationType);
        assertNull(env.instance);
        assertNull(env.region);

        LambdaEnvironment bare = LambdaEnvironment.read(Map.of(), null, null);
        assertEquals("unknown_function", bare.functionName);
        assertEquals(-1, bare.maxMemoryBytes);
    }
}
