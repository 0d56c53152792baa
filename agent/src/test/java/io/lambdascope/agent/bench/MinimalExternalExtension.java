package io.lambdascope.agent.bench;

import io.lambdascope.agent.internal.lambda.ExtensionsApi;
import io.lambdascope.agent.internal.lambda.TelemetryListener;
import java.net.InetAddress;

/**
 * The cheapest external Lambda extension that can be written in Java, for the cost comparison with the agent's
 * internal one: a separate JVM, started as {@code /opt/extensions/<name>} would be, that registers, subscribes a
 * Telemetry listener and loops on {@code next}, doing nothing with what it gets. It uses the agent's own
 * dependency-free HTTP code (no HTTP client library, no JSON library), so it loads as little as an extension can.
 */
public final class MinimalExternalExtension {
    private MinimalExternalExtension() {
    }

    public static void main(String[] args) throws Exception {
        ExtensionsApi api = new ExtensionsApi(System.getenv("AWS_LAMBDA_RUNTIME_API"));
        String id = api.register("lambdascope-external",
                "{\"events\":[\"INVOKE\",\"SHUTDOWN\"]}".getBytes("UTF-8"), 2_000).id;
        TelemetryListener listener = TelemetryListener.start(InetAddress.getLoopbackAddress(), 0,
                new TelemetryListener.Sink() {
                    @Override
                    public void event(byte[] json, String type, String requestId) {
                        // queued and sent on by a real extension
                    }

                    @Override
                    public void refused(String reason) {
                        // nothing to report
                    }
                });
        api.subscribe(id, listener.uri(), new String[] {"platform"}, 2_000);
        while (true) {
            byte[] event = api.next(id);
            if (new String(event, "UTF-8").contains("\"SHUTDOWN\"")) {
                return;
            }
        }
    }
}
