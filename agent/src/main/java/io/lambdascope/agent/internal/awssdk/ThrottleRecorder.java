package io.lambdascope.agent.internal.awssdk;

import io.lambdascope.agent.internal.Reflection;
import io.lambdascope.agent.internal.invocation.Clock;
import io.lambdascope.agent.internal.invocation.Invocation;
import io.lambdascope.agent.internal.invocation.Invocations;
import java.lang.reflect.Method;

/**
 * Records AWS SDK v2 service errors that are throttling, at the end of {@code AwsServiceException}'s
 * constructor: one per throttled response (the SDK builds one exception per attempt, so a call that succeeded
 * after retries still shows the throttled attempts). The SDK's own {@code isThrottlingException()} decides,
 * backed by the error codes listed here. The operation is the SDK client method found on the stack.
 */
public final class ThrottleRecorder {
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

    private ThrottleRecorder() {
    }

    public static void onServiceException(Object exception) {
        Invocation inv = Invocations.attributionTarget();
        if (inv == null || exception == null) {
            return;
        }
        Accessors a = ACCESSORS.get(exception.getClass());
        Object details = Reflection.call(a.awsErrorDetails, exception);
        String errorCode = null;
        String service = null;
        if (details != null) {
            Accessors d = ACCESSORS.get(details.getClass());
            Object code = Reflection.call(d.errorCode, details);
            Object name = Reflection.call(d.serviceName, details);
            errorCode = code instanceof String ? (String) code : null;
            service = name instanceof String ? (String) name : null;
        }
        Object status = Reflection.call(a.statusCode, exception);
        int statusCode = status instanceof Integer ? (Integer) status : -1;
        Object sdkSays = Reflection.call(a.isThrottlingException, exception);
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

    private static boolean isThrottlingCode(String code) {
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

    /** The getters the recorder calls, looked up once per class (exceptions and their error details). */
    private static final class Accessors {
        final Method awsErrorDetails;
        final Method statusCode;
        final Method isThrottlingException;
        final Method errorCode;
        final Method serviceName;

        Accessors(Class<?> type) {
            awsErrorDetails = Reflection.getter(type, "awsErrorDetails");
            statusCode = Reflection.getter(type, "statusCode");
            isThrottlingException = Reflection.getter(type, "isThrottlingException");
            errorCode = Reflection.getter(type, "errorCode");
            serviceName = Reflection.getter(type, "serviceName");
        }
    }
}
