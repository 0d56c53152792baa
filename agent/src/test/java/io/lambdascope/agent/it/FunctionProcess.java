package io.lambdascope.agent.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A function JVM forked for a test: the {@code Driver} main, with or without {@code -javaagent:} on the BUILT
 * agent jar, under Lambda-like JVM flags and environment. Talks to the driver over stdin/stdout.
 */
final class FunctionProcess implements AutoCloseable {
    static final String FUNCTION_NAME = "orders-fn";

    private final Process process;
    private final long launchedEpochMillis;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();
    private volatile long lastDurationMicros;

    private FunctionProcess(Process process, long launchedEpochMillis) {
        this.process = process;
        this.launchedEpochMillis = launchedEpochMillis;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        pump(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), true);
        pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), false);
    }

    static Path agentJar() {
        String jar = System.getProperty("lambdascope.agent.jar");
        if (jar == null) {
            throw new IllegalStateException("lambdascope.agent.jar not set: run with failsafe after package");
        }
        return Paths.get(jar);
    }

    /** The test class path minus the agent's own classes: the function must see the agent only via -javaagent. */
    static String functionClassPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            String normalized = entry.replace('\\', '/');
            if (normalized.endsWith("/agent/target/classes") || normalized.endsWith("/agent/target/classes/")
                    || normalized.contains("lambdascope-agent")) {
                continue;
            }
            kept.add(entry);
        }
        return String.join(File.pathSeparator, kept);
    }

    /** Entries of the test class path whose path contains one of {@code fragments}. */
    static String classPathOf(String... fragments) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> kept = new ArrayList<>();
        for (String entry : cp.split(File.pathSeparator)) {
            for (String f : fragments) {
                if (entry.contains(f)) {
                    kept.add(entry);
                    break;
                }
            }
        }
        return String.join(File.pathSeparator, kept);
    }

    static Builder builder() {
        return new Builder();
    }

    static final class Builder {
        private boolean agent = true;
        private final Map<String, String> env = new LinkedHashMap<>();
        private String mainClass = "io.lambdascope.agent.testfn.Driver";
        private final List<String> args = new ArrayList<>();
        private String classPath = functionClassPath();
        private Path workingDir;
        private Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        private Path wrapper;
        private String maxHeap = "96m";
        private final List<String> jvmArgs = new ArrayList<>();

        Builder() {
            env.put("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME);
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "7");
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
            env.put("AWS_LAMBDA_LOG_STREAM_NAME", "2026/11/29/[7]abcdef0123456789");
            env.put("AWS_REGION", "eu-west-1");
            env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
            // Functional tests run on a loaded 2-core machine: a generous budget keeps them deterministic.
            // Tests of the budget itself set their own.
            env.put("LAMBDASCOPE_FLUSH_TIMEOUT", "5s");
        }

        Builder withoutAgent() {
            agent = false;
            return this;
        }

        Builder env(String name, String value) {
            if (value == null) {
                env.remove(name);
            } else {
                env.put(name, value);
            }
            return this;
        }

        Builder endpoint(String endpoint) {
            return env("LAMBDASCOPE_ENDPOINT", endpoint);
        }

        Builder handler(String handler) {
            return env("_HANDLER", handler);
        }

        Builder main(String mainClass, String... mainArgs) {
            this.mainClass = mainClass;
            this.args.clear();
            for (String a : mainArgs) {
                this.args.add(a);
            }
            return this;
        }

        Builder workingDir(Path dir) {
            this.workingDir = dir;
            return this;
        }

        Builder classPath(String cp) {
            this.classPath = cp;
            return this;
        }

        /** Another JVM than the one running the tests (a JDK the agent must also work on). */
        Builder java(Path javaExecutable) {
            this.java = javaExecutable;
            return this;
        }

        /** {@code -Xmx}; Lambda sets it from the function's memory (435m for 512 MB). */
        Builder maxHeap(String size) {
            this.maxHeap = size;
            return this;
        }

        /** Starts the JVM through an exec wrapper ({@code AWS_LAMBDA_EXEC_WRAPPER}), as Lambda does. */
        Builder wrapper(Path script) {
            this.wrapper = script;
            return this;
        }

        Builder jvmArg(String arg) {
            jvmArgs.add(arg);
            return this;
        }

        FunctionProcess start() throws IOException {
            List<String> cmd = new ArrayList<>();
            if (wrapper != null) {
                cmd.add(wrapper.toString());
            }
            cmd.add(java.toString());
            cmd.addAll(jvmArgs);
            cmd.add("-Xmx" + maxHeap);
            cmd.add("-XX:+TieredCompilation");
            cmd.add("-XX:TieredStopAtLevel=1");
            cmd.add("-XX:+UseSerialGC");
            cmd.add("-Xshare:auto");
            if (agent) {
                Path jar = agentJar();
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException("agent jar not built: " + jar);
                }
                cmd.add("-javaagent:" + jar.toAbsolutePath());
            }
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(mainClass);
            cmd.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(cmd);
            if (workingDir != null) {
                pb.directory(workingDir.toFile());
            }
            pb.environment().keySet().removeIf(k -> k.startsWith("LAMBDASCOPE_") || k.startsWith("AWS_")
                    || k.equals("_HANDLER") || k.equals("JAVA_TOOL_OPTIONS"));
            pb.environment().putAll(env);
            long launched = System.currentTimeMillis();
            return new FunctionProcess(pb.start(), launched);
        }
    }

    private void pump(BufferedReader reader, boolean out) {
        Thread t = new Thread(() -> {
            try {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (out) {
                        lines.add(line);
                    } else {
                        stderr.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, out ? "function-stdout" : "function-stderr");
        t.setDaemon(true);
        t.start();
    }

    /** Waits for the driver's READY line. */
    FunctionProcess awaitReady(Duration timeout) throws InterruptedException {
        String line = nextLine(timeout);
        if (!"READY".equals(line)) {
            throw new AssertionError("driver did not start: " + line + "\nstderr:\n" + stderr);
        }
        return this;
    }

    /** Sends an invocation without waiting for its result. */
    void send(String handler, String requestId, long timeoutMs, String fixture) throws IOException {
        stdin.write("invoke " + handler + " " + requestId + " " + timeoutMs + " " + fixture + "\n");
        stdin.flush();
    }

    /** The next RESULT: what the handler returned or threw. */
    String result(Duration timeout) throws InterruptedException {
        String line = nextLine(timeout);
        if (line == null || !line.startsWith("RESULT ")) {
            throw new AssertionError("unexpected driver output: " + line + "\nstderr:\n" + stderr);
        }
        String[] parts = line.split(" ");
        lastDurationMicros = Long.parseLong(parts[2]);
        return new String(Base64.getDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    }

    /** Wall-clock time just before the process was started: nothing in it can have happened earlier. */
    long launchedEpochMillis() {
        return launchedEpochMillis;
    }

    /** How long the driver's call into the handler took, for the last result (agent hooks included). */
    Duration lastDuration() {
        return Duration.ofNanos(lastDurationMicros * 1000);
    }

    String invoke(String handler, String requestId, long timeoutMs, String fixture) throws Exception {
        send(handler, requestId, timeoutMs, fixture);
        return result(Duration.ofSeconds(20));
    }

    private String nextLine(Duration timeout) throws InterruptedException {
        while (true) {
            String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                return null;
            }
            if (line.equals("READY") || line.startsWith("RESULT ")) {
                return line;
            }
            // anything else is the function's own output
        }
    }

    /** Lines the process printed on stdout other than the driver protocol (the runtime client's logs). */
    String stdout() {
        return String.join("\n", lines);
    }

    String stderr() {
        return stderr.toString();
    }

    Process process() {
        return process;
    }

    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            try {
                stdin.write("exit\n");
                stdin.flush();
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }
}
