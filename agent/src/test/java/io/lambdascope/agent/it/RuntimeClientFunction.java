package io.lambdascope.agent.it;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * A function run by the official AWS Lambda runtime interface client, as on Lambda: the function's classes and
 * its events library in a task root that the client loads in its own class loader.
 */
final class RuntimeClientFunction {
    static final String MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    static final String SQS = "io.lambdascope.agent.testfn.Handlers$Sqs";
    static final String SLOW = "io.lambdascope.agent.testfn.Handlers$Slow";
    private static final String JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";
    private static Path jni;

    private RuntimeClientFunction() {
    }

    /** A function process for {@code handler} against the Runtime API at {@code runtimeApi}; not started. */
    static FunctionProcess.Builder builder(Path taskRoot, String handler, String runtimeApi) throws Exception {
        layOutTaskRoot(taskRoot);
        return FunctionProcess.builder()
                .main(MAIN, handler)
                .classPath(FunctionProcess.classPathOf("aws-lambda-java-runtime-interface-client",
                        "aws-lambda-java-core", "aws-lambda-java-serialization", "utils-lite"))
                .jvmArg("-D" + JNI_PROPERTY + "=" + jni())
                .workingDir(taskRoot)
                .handler(handler)
                .env("AWS_LAMBDA_RUNTIME_API", runtimeApi)
                .env("LAMBDA_TASK_ROOT", taskRoot.toString());
    }

    static String sqsEvent(String messageId, String receiveCount) {
        return "{\"Records\":[{\"messageId\":\"" + messageId + "\",\"receiptHandle\":\"rh\",\"body\":\"hello\","
                + "\"attributes\":{\"ApproximateReceiveCount\":\"" + receiveCount + "\",\"SentTimestamp\":\"1700000000000\"},"
                + "\"messageAttributes\":{},\"md5OfBody\":\"x\",\"eventSource\":\"aws:sqs\","
                + "\"eventSourceARN\":\"arn:aws:sqs:eu-west-1:123456789012:queue-a\",\"awsRegion\":\"eu-west-1\"}]}";
    }

    /**
     * The client's JNI library, unpacked once for this test JVM: left to itself every client unpacks it to one
     * fixed file in /tmp, and JVMs starting together (other tests on the machine) crash on it.
     */
    private static synchronized Path jni() throws Exception {
        if (jni == null) {
            Path dir = Files.createTempDirectory("lambdascope-ric-jni");
            dir.toFile().deleteOnExit();
            String name = "libaws-lambda-jni.linux-" + (System.getProperty("os.arch").contains("aarch64")
                    ? "aarch_64" : "x86_64") + ".so";
            try (InputStream in = RuntimeClientFunction.class.getClassLoader().getResourceAsStream("jni/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("no jni/" + name + " in the runtime client's jar");
                }
                Path target = dir.resolve(name);
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                target.toFile().deleteOnExit();
                jni = target;
            }
        }
        return jni;
    }

    /** The function's classes at the root, its libraries under lib/, as in /var/task. */
    static void layOutTaskRoot(Path taskRoot) throws Exception {
        Path classes = Paths.get(FunctionProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path pkg = classes.resolve("io/lambdascope/agent/testfn");
        Path target = Files.createDirectories(taskRoot.resolve("io/lambdascope/agent/testfn"));
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                if (f.getFileName().toString().startsWith("Handlers")) {
                    Files.copy(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Path lib = Files.createDirectories(taskRoot.resolve("lib"));
        for (String jar : FunctionProcess.classPathOf("aws-lambda-java-events", "joda-time").split(File.pathSeparator)) {
            Path p = Paths.get(jar);
            Files.copy(p, lib.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
