package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handler run by the official AWS Lambda runtime interface client, as on Lambda: the function's classes and
 * its events library live in a task root that the client loads in its own class loader, and the client
 * deserializes the SQS event itself. The spans must arrive with the trace id from Lambda-Runtime-Trace-Id. The
 * extension is off here: this is direct mode under the real client (ExtensionIT covers the extension).
 */
class RuntimeInterfaceClientIT {
    private static final String SQS = RuntimeClientFunction.SQS;

    @Test
    void spansArriveForHandlersRunByTheRuntimeInterfaceClient(@TempDir Path taskRoot) throws Exception {
        try (CaptureServer collector = CaptureServer.start();
             LambdaApiDouble runtimeApi = new LambdaApiDouble();
             FunctionProcess fn = RuntimeClientFunction.builder(taskRoot, SQS, runtimeApi.address())
                     .env("LAMBDASCOPE_EXTENSION", "false")
                     .endpoint(collector.endpoint())
                     .start()) {
            runtimeApi.enqueue("ric-1", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
                    RuntimeClientFunction.sqsEvent("m-1", "1"));
            runtimeApi.enqueue("ric-2", "Root=1-6759e988-cd862e3fe1be46a994272794;Parent=63995c3f42cd8ad8;Sampled=0",
                    RuntimeClientFunction.sqsEvent("m-2", "4"));
            assertEquals("\"m-1;\"", runtimeApi.awaitResponse("ric-1", 30));
            assertEquals("\"m-2;\"", runtimeApi.awaitResponse("ric-2", 30));
            assertEquals(List.of(), runtimeApi.extensions(), "LAMBDASCOPE_EXTENSION=false: no registration");

            List<CaptureServer.Captured> spans = collector.spans();
            assertEquals(2, spans.size(), fn.stdout() + fn.stderr());
            Span first = spans.get(0).span;
            Map<String, Object> a = Otlp.attributes(first.getAttributesList());
            assertEquals("ric-1", a.get("faas.invocation_id"));
            assertEquals(true, a.get("faas.coldstart"));
            assertEquals("success", a.get("lambdascope.outcome"));
            assertEquals("sqs", a.get("lambdascope.event.source"));
            assertEquals("queue-a", a.get("messaging.destination.name"));
            assertEquals(30_000L, a.get("lambdascope.function.timeout_ms"));
            assertEquals("arn:aws:lambda:eu-west-1:123456789012:function:orders-fn", a.get("aws.lambda.invoked_arn"));
            assertEquals("123456789012", spans.get(0).resourceAttr("cloud.account.id"), "from the invoked ARN");
            assertEquals("5759e988bd862e3fe1be46a994272793", Otlp.hex(first.getTraceId()));
            assertEquals("53995c3f42cd8ad8", Otlp.hex(first.getParentSpanId()));
            Map<String, Object> record = HandlerMatrixIT.event(first, "lambdascope.record");
            assertEquals("m-1", record.get("lambdascope.dedup.key"));
            assertEquals(1L, record.get("lambdascope.delivery.count"));

            Span second = spans.get(1).span;
            Map<String, Object> b = Otlp.attributes(second.getAttributesList());
            assertEquals("ric-2", b.get("faas.invocation_id"));
            assertEquals(false, b.get("faas.coldstart"));
            assertEquals("6759e988cd862e3fe1be46a994272794", Otlp.hex(second.getTraceId()));
            assertEquals(4L, HandlerMatrixIT.event(second, "lambdascope.record").get("lambdascope.delivery.count"));
            assertTrue(fn.process().isAlive(), "the runtime keeps polling for the next event");
            fn.kill();
        }
    }
}
