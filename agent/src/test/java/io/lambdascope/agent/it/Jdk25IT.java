package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Java 25, the newest runtime the agent supports (with 11, 17 and 21): the agent loads, registers as an extension
 * under the runtime client, and instruments a handler compiled for Java 25. Skipped where no JDK 25 is installed.
 */
class Jdk25IT {
    private static final Path JDK = Paths.get("/usr/lib/jvm/temurin-25-jdk-amd64");

    private static Path tool(String name) {
        Path p = JDK.resolve("bin").resolve(name);
        assumeTrue(Files.isExecutable(p), "no JDK 25 at " + JDK);
        return p;
    }

    @Test
    void theExtensionWorksUnderTheRuntimeClientOnJava25(@TempDir Path taskRoot) throws Exception {
        Path java = tool("java");
        try (CaptureServer collector = CaptureServer.start();
             LambdaApiDouble api = new LambdaApiDouble();
             FunctionProcess fn = RuntimeClientFunction.builder(taskRoot, RuntimeClientFunction.SQS, api.address())
                     .java(java).endpoint(collector.endpoint()).start()) {
            api.enqueue("jdk25-1", "Root=1-5759e988-bd862e3fe1be46a994272793", RuntimeClientFunction.sqsEvent("m", "1"));
            assertEquals("\"m;\"", api.awaitResponse("jdk25-1", 60), fn.stdout() + fn.stderr());
            assertTrue(api.awaitEnded("jdk25-1", 30).extensionNextNanos.containsKey("lambdascope"));
            assertEquals(List.of("jdk25-1"), ExtensionIT.ids(collector.spans()));
            // The runtime client's own JNI loading warns on Java 25 ("A restricted method..."); the agent says nothing.
            assertTrue(!fn.stderr().contains("lambdascope:"), fn.stderr());
            fn.kill();
        }
    }

    @Test
    void aHandlerCompiledForJava25IsInstrumented(@TempDir Path dir) throws Exception {
        Path javac = tool("javac");
        Path java = tool("java");
        Path src = Files.createDirectories(dir.resolve("src/jdk25fn"));
        Files.writeString(src.resolve("Hello.java"), "package jdk25fn;\n"
                + "import com.amazonaws.services.lambda.runtime.Context;\n"
                + "import com.amazonaws.services.lambda.runtime.RequestHandler;\n"
                + "public final class Hello implements RequestHandler<String, String> {\n"
                + "    public String handleRequest(String input, Context context) {\n"
                + "        return switch (input) { case \"a\" -> \"alpha\"; default -> \"hello \" + input; };\n"
                + "    }\n"
                + "}\n");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Process compile = new ProcessBuilder(javac.toString(), "--release", "25",
                "-cp", FunctionProcess.classPathOf("aws-lambda-java-core"), "-d", classes.toString(),
                src.resolve("Hello.java").toString()).redirectErrorStream(true).start();
        String output = new String(compile.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, compile.waitFor(), output);
        byte[] header = Files.readAllBytes(classes.resolve("jdk25fn/Hello.class"));
        assertEquals(69, ((header[6] & 0xFF) << 8) | (header[7] & 0xFF), "a Java 25 class file");

        String handler = "jdk25fn.Hello";
        try (CaptureServer collector = CaptureServer.start();
             FunctionProcess fn = FunctionProcess.builder().java(java).handler(handler)
                     .classPath(FunctionProcess.functionClassPath() + File.pathSeparator + classes)
                     .endpoint(collector.endpoint()).start()) {
            fn.awaitReady(Duration.ofSeconds(30));
            assertEquals("returned:alpha", fn.invoke(handler, "java25-1", 30_000, "string:a"));
            assertEquals("returned:hello b", fn.invoke(handler, "java25-2", 30_000, "string:b"));
            assertEquals(List.of("java25-1", "java25-2"), ExtensionIT.ids(collector.spans()));
            assertEquals("", fn.stderr());
        }
    }
}
