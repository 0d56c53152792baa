package io.lambdascope.agent.internal;

import java.lang.reflect.Method;

/**
 * Records AWS SDK v2 service errors that are throttling, at the end of {@code AwsServiceException}'s
 * constructor: one per throttled response (the SDK builds one exception per attempt, so a call that succeeded
 * after retries still shows the throttled attempts). The SDK's own {@code isThrottlingException()} decides,
 * backed by the error codes listed here. The operation is the SDK client method found on the stack.
 */
final class Throttles {
    /** Passed explicitly: a varargs call with no arguments allocates an empty array each time. */
    private static final Object[] NO_ARGS = new Object[0];

    private static final String[] THROTTLING_CODES = {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
        "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
        "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
    };
    private static final String SERVICES_PACKAGE = "software.amazon.awssdk.services.";

    private static final ClassValue<Accessors> ACCESSORS = new ClassValue<Accessors>() {
        @Override
        protected Accessors computeValue(Class<?> type) {
            return new Accessors(type);
        }
    };

    private Throttles() {
    }

    static void onServiceException(Object exception) {
        Invocation inv = Invocations.attributionTarget();
        if (inv == null || exception == null) {
            return;
        }
        Accessors a = ACCESSORS.get(exception.getClass());
        Object details = call(a.awsErrorDetails, exception);
        String errorCode = null;
        String service = null;
        if (details != null) {
            Accessors d = ACCESSORS.get(details.getClass());
            Object code = call(d.errorCode, details);
            Object name = call(d.serviceName, details);
            errorCode = code instanceof String ? (String) code : null;
            service = name instanceof String ? (String) name : null;
        }
        Object status = call(a.statusCode, exception);
        int statusCode = status instanceof Integer ? (Integer) status : -1;
        Object sdkSays = call(a.isThrottlingException, exception);
        boolean throttling = Boolean.TRUE.equals(sdkSays) || statusCode == 429 || isThrottlingCode(errorCode);
        if (!throttling || !inv.firstSightOf(details != null ? details : exception)) {
            // The SDK rebuilds the exception (toBuilder) to add the attempt count: same error details object.
            return;
        }
        String operation = "unknown";
        StackTraceElement[] frames = exception instanceof Throwable
                ? ((Throwable) exception).getStackTrace() : new StackTraceElement[0];
        for (StackTraceElement f : frames) {
            String cls = f.getClassName();
            if (cls.startsWith(SERVICES_PACKAGE)) {
                int dot = cls.lastIndexOf('.');
                String simple = cls.substring(dot + 1);
                if (simple.startsWith("Default") && simple.endsWith("Client")) {
                    operation = capitalize(f.getMethodName());
                    if (service == null) {
                        int start = SERVICES_PACKAGE.length();
                        int end = cls.indexOf('.', start);
                        service = end < 0 ? cls.substring(start) : cls.substring(start, end);
                    }
                    break;
                }
            }
        }
        String errorType = errorCode != null && !errorCode.isEmpty() ? errorCode
                : statusCode > 0 ? Integer.toString(statusCode) : "429";
        inv.addThrottle(new Invocation.ThrottleInfo(Clock.epochNanos(System.nanoTime()),
                service == null ? "unknown" : service, operation, errorType));
    }

    static boolean isThrottlingCode(String code) {
        if (code == null) {
            return false;
        }
        for (String c : THROTTLING_CODES) {
            if (c.equals(code)) {
                return true;
            }
        }
        return false;
    }

    private static String capitalize(String method) {
        if (method.isEmpty() || Character.isUpperCase(method.charAt(0))) {
            return method;
        }
        return Character.toUpperCase(method.charAt(0)) + method.substring(1);
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

    private static final class Accessors {
        final Method awsErrorDetails;
        final Method statusCode;
        final Method isThrottlingException;
        final Method errorCode;
        final Method serviceName;

        Accessors(Class<?> type) {
            awsErrorDetails = find(type, "awsErrorDetails");
            statusCode = find(type, "statusCode");
            isThrottlingException = find(type, "isThrottlingException");
            errorCode = find(type, "errorCode");
            serviceName = find(type, "serviceName");
        }

        private static Method find(Class<?> type, String name) {
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
}
