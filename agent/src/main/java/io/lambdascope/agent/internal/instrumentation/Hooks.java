package io.lambdascope.agent.internal.instrumentation;

import io.lambdascope.agent.internal.Diagnostics;
import io.lambdascope.agent.internal.awssdk.ThrottleRecorder;
import io.lambdascope.agent.internal.invocation.Invocations;

/**
 * Static entry points called from instrumented bytecode (by name: see {@link HandlerInstrumenter}). They never
 * throw: whatever goes wrong in the agent, the function's result and exceptions stay its own.
 */
public final class Hooks {
    private Hooks() {
    }

    /**
     * Handler entry: {@code input} is the event (or null), {@code output} a stream handler's OutputStream (or
     * null), {@code context} the Lambda Context (or null).
     */
    public static void enter(Object input, Object output, Object context) {
        try {
            Invocations.enter(input, output, context);
        } catch (Throwable t) {
            Diagnostics.hookFailed(t);
        }
    }

    /** Handler return; {@code result} is the returned object (null for void and primitive returns). */
    public static void exit(Object result) {
        try {
            Invocations.exit(result, null);
        } catch (Throwable t) {
            Diagnostics.hookFailed(t);
        }
    }

    /** Handler threw {@code thrown}; the instrumented code rethrows it unchanged. */
    public static void exitThrown(Throwable thrown) {
        try {
            Invocations.exit(null, thrown);
        } catch (Throwable t) {
            Diagnostics.hookFailed(t);
        }
    }

    /** The runtime interface client posted an invocation's response or error: the caller has its answer. */
    public static void responsePosted() {
        try {
            Invocations.responsePosted();
        } catch (Throwable t) {
            Diagnostics.hookFailed(t);
        }
    }

    /** End of an AWS SDK v2 {@code AwsServiceException} constructor. */
    public static void awsServiceException(Object exception) {
        try {
            ThrottleRecorder.onServiceException(exception);
        } catch (Throwable t) {
            Diagnostics.hookFailed(t);
        }
    }
}
