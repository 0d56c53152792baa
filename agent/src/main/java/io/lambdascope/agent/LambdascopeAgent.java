package io.lambdascope.agent;

import io.lambdascope.agent.internal.AgentSettings;
import io.lambdascope.agent.internal.extension.LambdaExtension;
import io.lambdascope.agent.internal.instrumentation.HandlerTransformer;
import io.lambdascope.agent.internal.invocation.Invocations;
import java.lang.instrument.Instrumentation;

/**
 * Entry point of {@code -javaagent:lambdascope-agent.jar}: reads the settings, starts the Lambda extension's thread
 * when on Lambda ({@code AWS_LAMBDA_RUNTIME_API} set), and registers one class file transformer. Everything else
 * (exporter, watchdog, resource) is built lazily, off the start path, so the agent adds almost nothing to the
 * JVM's start. Never throws: a broken agent must not stop the function.
 */
public final class LambdascopeAgent {
    /** The main class of the AWS Lambda Java runtimes (the runtime interface client). */
    private static final String RUNTIME_CLIENT_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    private LambdascopeAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        install(inst);
    }

    /**
     * Dynamic attach: only classes loaded after the attach are instrumented (a handler already loaded cannot
     * gain the hooks, since the agent does not retransform).
     */
    public static void agentmain(String args, Instrumentation inst) {
        install(inst);
    }

    private static void install(Instrumentation inst) {
        try {
            AgentSettings settings = AgentSettings.from(System.getenv());
            for (String warning : settings.warnings()) {
                System.err.println("lambdascope: " + warning);
            }
            if (!settings.enabled()) {
                return;
            }
            Invocations.configure(settings);
            if (settings.extension() && settings.runtimeApi() != null) {
                LambdaExtension.start(settings);
                if (!System.getProperty("sun.java.command", "").startsWith(RUNTIME_CLIENT_MAIN)) {
                    // Not Lambda's runtime client (a custom runtime): no handler class tells us when init is
                    // about to end, so the registration is awaited here, bounded.
                    Invocations.awaitRegistration();
                }
            }
            inst.addTransformer(new HandlerTransformer(settings.handler(), settings.throttles(), inst), false);
        } catch (Throwable t) {
            System.err.println("lambdascope: agent disabled: " + t);
        }
    }
}
