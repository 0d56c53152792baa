package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar holds only the agent's own (and relocated) classes; the layer zip holds the jar and the exec
 * wrapper at its root, and the wrapper appends the agent to JAVA_TOOL_OPTIONS without losing what was there.
 */
class PackagingIT {
    @Test
    void agentJarHasNothingOutsideItsOwnPackage() throws Exception {
        List<String> strays = new ArrayList<>();
        boolean relocatedAsm = false;
        try (JarFile jar = new JarFile(FunctionProcess.agentJar().toFile())) {
            for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                String name = e.nextElement().getName();
                if (name.endsWith("/")) {
                    continue;
                }
                if (name.startsWith("io/lambdascope/agent/shaded/asm/")) {
                    relocatedAsm = true;
                }
                boolean allowed = name.startsWith("io/lambdascope/agent/")
                        || (name.startsWith("META-INF/") && !name.endsWith(".class"));
                if (!allowed) {
                    strays.add(name);
                }
            }
            Attributes manifest = jar.getManifest().getMainAttributes();
            assertEquals("io.lambdascope.agent.LambdascopeAgent", manifest.getValue("Premain-Class"));
            assertEquals("io.lambdascope.agent.LambdascopeAgent", manifest.getValue("Agent-Class"));
            assertTrue(manifest.getValue("Implementation-Version").startsWith("0."));
            // The bootstrap loader takes the agent's classes from its own jar (no bytecode verification at start).
            assertEquals(FunctionProcess.agentJar().getFileName().toString(), manifest.getValue("Boot-Class-Path"));
        }
        assertEquals(List.of(), strays, "entries outside io/lambdascope/agent/ and META-INF/");
        assertTrue(relocatedAsm, "ASM is relocated under io.lambdascope.agent.shaded");
    }

    @Test
    void layerZipHasTheJarAndAnExecutableWrapperAtItsRoot() throws Exception {
        Path layer = layer();
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(layer.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                names.add(entry.getName());
                if (entry.getName().equals("lambdascope-agent.jar")) {
                    assertEquals(Files.size(FunctionProcess.agentJar()), entry.getSize());
                }
            }
        }
        assertEquals(List.of("lambdascope-agent.jar", "lambdascope-wrapper"), names,
                "unpacks to /opt/lambdascope-agent.jar and /opt/lambdascope-wrapper");
        assertEquals(0755, unixMode(layer, "lambdascope-wrapper") & 0777, "Lambda must be able to run it");
    }

    @Test
    void theWrapperAppendsTheAgentToJavaToolOptions(@TempDir Path opt) throws Exception {
        Path wrapper = unpackLayer(opt);
        String agent = "-javaagent:" + opt.resolve("lambdascope-agent.jar");
        assertEquals(agent, javaToolOptionsSeenBy(wrapper, null));
        assertEquals("-Xmx1g -Dfile.encoding=UTF-8 " + agent,
                javaToolOptionsSeenBy(wrapper, "-Xmx1g -Dfile.encoding=UTF-8"), "appended, nothing lost");
        assertEquals("-Dx=1 " + agent + " -Dy=2", javaToolOptionsSeenBy(wrapper, "-Dx=1 " + agent + " -Dy=2"),
                "never twice");
    }

    @Test
    void aFunctionStartedThroughTheWrapperIsInstrumented(@TempDir Path opt) throws Exception {
        Path wrapper = unpackLayer(opt);
        String echo = "io.lambdascope.agent.testfn.Handlers$Echo";
        try (CaptureServer collector = CaptureServer.start();
             FunctionProcess fn = FunctionProcess.builder().withoutAgent().wrapper(wrapper).handler(echo)
                     .endpoint(collector.endpoint()).start()) {
            fn.awaitReady(Duration.ofSeconds(20));
            assertEquals("returned:echo:hi", fn.invoke(echo, "wrapped-1", 30_000, "string:hi"));
            assertEquals("wrapped-1", collector.spans().get(0).attr("faas.invocation_id"));
            assertTrue(fn.stderr().startsWith("Picked up JAVA_TOOL_OPTIONS: -javaagent:"), fn.stderr());
        }
    }

    private static Path layer() {
        Path layer = Paths.get(System.getProperty("lambdascope.agent.layer"));
        assertTrue(Files.isRegularFile(layer), layer.toString());
        return layer;
    }

    /** Unpacks the layer as Lambda does into /opt; returns the wrapper. */
    private static Path unpackLayer(Path opt) throws Exception {
        try (ZipFile zip = new ZipFile(layer().toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, opt.resolve(entry.getName()));
                }
            }
        }
        Path wrapper = opt.resolve("lambdascope-wrapper");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return wrapper;
    }

    private static String javaToolOptionsSeenBy(Path wrapper, String before) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(wrapper.toString(), "/usr/bin/env");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        if (before != null) {
            pb.environment().put("JAVA_TOOL_OPTIONS", before);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        for (String line : out.split("\n")) {
            if (line.startsWith("JAVA_TOOL_OPTIONS=")) {
                return line.substring("JAVA_TOOL_OPTIONS=".length());
            }
        }
        throw new AssertionError("JAVA_TOOL_OPTIONS not exported: " + out);
    }

    /** The Unix mode stored for {@code name} in the zip's central directory (ZipEntry does not expose it). */
    private static int unixMode(Path zip, String name) throws Exception {
        byte[] b = Files.readAllBytes(zip);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 46 <= b.length; i++) {
            if (buf.getInt(i) != 0x02014b50) {
                continue;
            }
            int nameLength = buf.getShort(i + 28) & 0xFFFF;
            String entry = new String(b, i + 46, nameLength, StandardCharsets.UTF_8);
            if (entry.equals(name)) {
                return buf.getInt(i + 38) >>> 16;
            }
        }
        throw new AssertionError(name + " not in the central directory");
    }
}
