package io.lambdascope.agent.internal;

import java.lang.reflect.Method;

/**
 * Reads the Lambda {@code Context} by reflection: it belongs to the function's (or the runtime client's) class
 * loader, so the agent never links against it. Methods come from the public Context interface, found once per
 * implementation class, so non-public implementations work too.
 */
final class ContextReader {
    /** Passed explicitly: a varargs call with no arguments allocates an empty array each time. */
    private static final Object[] NO_ARGS = new Object[0];

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
        awsRequestId = method(lookup, "getAwsRequestId");
        invokedFunctionArn = method(lookup, "getInvokedFunctionArn");
        remainingTime = method(lookup, "getRemainingTimeInMillis");
        functionName = method(lookup, "getFunctionName");
        memoryLimit = method(lookup, "getMemoryLimitInMB");
    }

    static ContextReader of(Object context) {
        return context == null ? null : READERS.get(context.getClass());
    }

    String awsRequestId(Object context) {
        return string(awsRequestId, context);
    }

    String invokedFunctionArn(Object context) {
        return string(invokedFunctionArn, context);
    }

    String functionName(Object context) {
        return string(functionName, context);
    }

    /** Remaining time in ms, or -1 when unknown. */
    long remainingTimeMillis(Object context) {
        Object value = call(remainingTime, context);
        return value instanceof Number ? ((Number) value).longValue() : -1;
    }

    /** Configured memory in MB, or -1 when unknown. */
    long memoryLimitMb(Object context) {
        Object value = call(memoryLimit, context);
        return value instanceof Number ? ((Number) value).longValue() : -1;
    }

    private static String string(Method m, Object target) {
        Object value = call(m, target);
        return value instanceof String ? (String) value : null;
    }

    private static Object call(Method m, Object target) {
        if (m == null) {
            return null;
        }
        try {
            return m.invoke(target, NO_ARGS);
        } catch (Throwable t) {
            return null;
        }
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

    private static Method method(Class<?> type, String name) {
        try {
            Method m = type.getMethod(name);
            if (!java.lang.reflect.Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                m.setAccessible(true);
            }
            return m;
        } catch (Throwable t) {
            return null;
        }
    }
}
