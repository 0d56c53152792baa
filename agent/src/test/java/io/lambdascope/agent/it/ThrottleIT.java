package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A function whose AWS SDK v2 calls are throttled: each throttled response becomes a
 * {@code lambdascope.downstream_throttle} event with service and operation; other service errors do not.
 */
class ThrottleIT {
    private static final String FN = "io.lambdascope.agent.testfn.ThrottledDynamo";

    @Test
    void throttledSdkCallsAreRecordedPerServiceAndOperation() throws Exception {
        HttpServer dynamo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        dynamo.createContext("/", exchange -> {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            String type = target != null && target.endsWith("PutItem")
                    ? "ProvisionedThroughputExceededException" : "ResourceNotFoundException";
            byte[] body = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + type
                    + "\",\"message\":\"from the test double\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
            exchange.getResponseHeaders().add("x-amzn-RequestId", "rid");
            exchange.sendResponseHeaders(400, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        dynamo.start();
        try (CaptureServer collector = CaptureServer.start();
             FunctionProcess fn = FunctionProcess.builder().handler(FN).endpoint(collector.endpoint())
                     .env("DYNAMODB_ENDPOINT", "http://127.0.0.1:" + dynamo.getAddress().getPort()).start()) {
            fn.awaitReady(Duration.ofSeconds(20));
            for (int i = 1; i <= 2; i++) {
                assertEquals("returned:ProvisionedThroughputExceededException;ResourceNotFoundException;",
                        fn.invoke(FN, "th-" + i, 30_000, "string:k" + i));
            }
            List<CaptureServer.Captured> spans = collector.spans();
            assertEquals(2, spans.size(), fn.stderr());
            for (CaptureServer.Captured c : spans) {
                Span s = c.span;
                assertEquals("success", c.attr("lambdascope.outcome"), "the handler caught the SDK errors");
                List<Span.Event> throttles = Otlp.events(s, "lambdascope.downstream_throttle");
                assertEquals(1, throttles.size(), "only the throttling error is recorded, once: " + throttles);
                Map<String, Object> t = Otlp.attributes(throttles.get(0).getAttributesList());
                assertEquals("aws-api", t.get("rpc.system"));
                assertEquals("DynamoDb", t.get("rpc.service"));
                assertEquals("PutItem", t.get("rpc.method"));
                assertEquals("ProvisionedThroughputExceededException", t.get("error.type"));
                long time = throttles.get(0).getTimeUnixNano();
                assertTrue(time >= s.getStartTimeUnixNano() && time <= s.getEndTimeUnixNano());
            }
        } finally {
            dynamo.stop(0);
        }
    }
}
