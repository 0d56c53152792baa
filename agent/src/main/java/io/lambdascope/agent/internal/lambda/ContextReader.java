package io.lambdascope.agent.internal.lambda;

import io.lambdascope.agent.internal.Reflection;
import java.lang.reflect.Method;

/**
 * Reads the Lambda {@code Context} by reflection: it belongs to the function's (or the runtime client's) class
 * loader, so the agent never links against it. Methods come from the public Context interface, found once per
 * implementation class, so non-public implementations work too.
 */
public final class ContextReader {
    private static final String CONTEXT_INTERFACE = "com.amazonaws.services.lambda.runtime.Context";

    private static final ClassValue<ContextReader> READERS = new ClassValue<ContextReader>() {
        @Override
        protected ContextReader computeValue(Class<?> type) {
            return new ContextReader(type);
        }
    };

    private final Method awsRequestId;
    private final Method invokedFunctionArn;
    private final Method remainingTime;
    private final Method functionName;
    private final Method memoryLimit;

    private ContextReader(Class<?> type) {
        Class<?> api = findInterface(type);
        Class<?> lookup = api != null ? api : type;
        awsRequestId = Reflection.getter(lookup, "getAwsRequestId");
        invokedFunctionArn = Reflection.getter(lookup, "getInvokedFunctionArn");
        remainingTime = Reflection.getter(lookup, "getRemainingTimeInMillis");
        functionName = Reflection.getter(lookup, "getFunctionName");
        memoryLimit = Reflection.getter(lookup, "getMemoryLimitInMB");
    }

    /** The reader for {@code context}'s class, or null for a null context. */
    public static ContextReader of(Object context) {
        return context == null ? null : READERS.get(context.getClass());
    }

    public String awsRequestId(Object context) {
        return string(awsRequestId, context);
    }

    public String invokedFunctionArn(Object context) {
        return string(invokedFunctionArn, context);
    }

    public String functionName(Object context) {
        return string(functionName, context);
    }

    /** Remaining time in ms, or -1 when unknown. */
    public long remainingTimeMillis(Object context) {
        return number(remainingTime, context);
    }

    /** Configured memory in MB, or -1 when unknown. */
    public long memoryLimitMb(Object context) {
        return number(memoryLimit, context);
    }

    private static String string(Method m, Object target) {
        Object value = Reflection.call(m, target);
        return value instanceof String ? (String) value : null;
    }

    private static long number(Method m, Object target) {
        Object value = Reflection.call(m, target);
        return value instanceof Number ? ((Number) value).longValue() : -1;
    }

    private static Class<?> findInterface(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Class<?> found = searchInterfaces(c.getInterfaces());
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static Class<?> searchInterfaces(Class<?>[] interfaces) {
        for (Class<?> itf : interfaces) {
            if (itf.getName().equals(CONTEXT_INTERFACE)) {
                return itf;
            }
            Class<?> found = searchInterfaces(itf.getInterfaces());
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
