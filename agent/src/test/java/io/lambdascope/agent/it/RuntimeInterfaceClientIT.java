package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handler run by the official AWS Lambda runtime interface client, as on Lambda: the function's classes and
 * its events library live in a task root that the client loads in its own class loader, and the client
 * deserializes the SQS event itself. The spans must arrive with the trace id from Lambda-Runtime-Trace-Id.
 */
class RuntimeInterfaceClientIT {
    private static final String SQS = "io.lambdascope.agent.testfn.Handlers$Sqs";

    @Test
    void spansArriveForHandlersRunByTheRuntimeInterfaceClient(@TempDir Path taskRoot) throws Exception {
        layOutTaskRoot(taskRoot);
        try (CaptureServer collector = CaptureServer.start();
             RuntimeApiDouble runtimeApi = new RuntimeApiDouble();
             FunctionProcess fn = FunctionProcess.builder()
                     .main("com.amazonaws.services.lambda.runtime.api.client.AWSLambda", SQS)
                     .classPath(FunctionProcess.classPathOf("aws-lambda-java-runtime-interface-client",
                             "aws-lambda-java-core", "aws-lambda-java-serialization", "utils-lite"))
                     .workingDir(taskRoot)
                     .handler(SQS)
                     .env("AWS_LAMBDA_RUNTIME_API", runtimeApi.address())
                     .env("LAMBDA_TASK_ROOT", taskRoot.toString())
                     .endpoint(collector.endpoint())
                     .start()) {
            runtimeApi.enqueue("ric-1", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
                    sqsEvent("m-1", "1") );
            runtimeApi.enqueue("ric-2", "Root=1-6759e988-cd862e3fe1be46a994272794;Parent=63995c3f42cd8ad8;Sampled=0",
                    sqsEvent("m-2", "4"));
            assertEquals("\"m-1;\"", runtimeApi.awaitResponse("ric-1", 30));
            assertEquals("\"m-2;\"", runtimeApi.awaitResponse("ric-2", 30));

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

    private static String sqsEvent(String messageId, String receiveCount) {
        return "{\"Records\":[{\"messageId\":\"" + messageId + "\",\"receiptHandle\":\"rh\",\"body\":\"hello\","
                + "\"attributes\":{\"ApproximateReceiveCount\":\"" + receiveCount + "\",\"SentTimestamp\":\"1700000000000\"},"
                + "\"messageAttributes\":{},\"md5OfBody\":\"x\",\"eventSource\":\"aws:sqs\","
                + "\"eventSourceARN\":\"arn:aws:sqs:eu-west-1:123456789012:queue-a\",\"awsRegion\":\"eu-west-1\"}]}";
    }

    /** The function's classes at the root, its libraries under lib/, as in /var/task. */
    private static void layOutTaskRoot(Path taskRoot) throws Exception {
        Path classes = Paths.get(FunctionProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = classes.resolve("io/lambdascope/agent/testfn");
        Path target = Files.createDirectories(taskRoot.resolve("io/lambdascope/agent/testfn"));
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith("Handlers")) {
                    Files.copy(f, target.resolve(f.getFileName()));
                }
            }
        }
        Path lib = Files.createDirectories(taskRoot.resolve("lib"));
        for (String jar : FunctionProcess.classPathOf("aws-lambda-java-events", "joda-time").split(java.io.File.pathSeparator)) {
            Path p = Paths.get(jar);
            Files.copy(p, lib.resolve(p.getFileName()));
        }
    }
}
