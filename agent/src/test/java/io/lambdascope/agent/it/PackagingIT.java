package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The built jar holds only the agent's own (and relocated) classes; the layer zip holds the jar at its root. */
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
        }
        assertEquals(List.of(), strays, "entries outside io/lambdascope/agent/ and META-INF/");
        assertTrue(relocatedAsm, "ASM is relocated under io.lambdascope.agent.shaded");
    }

    @Test
    void layerZipHasTheJarAtItsRoot() throws Exception {
        Path layer = Paths.get(System.getProperty("lambdascope.agent.layer"));
        assertTrue(Files.isRegularFile(layer), layer.toString());
        List<String> names = new ArrayList<>();
        try (ZipFile zip = new ZipFile(layer.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                names.add(entry.getName());
                assertEquals(Files.size(FunctionProcess.agentJar()), entry.getSize());
            }
        }
        assertEquals(List.of("lambdascope-agent.jar"), names, "unpacks to /opt/lambdascope-agent.jar");
    }
}
