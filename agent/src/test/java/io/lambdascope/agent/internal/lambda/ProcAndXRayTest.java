package io.lambdascope.agent.internal.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lambdascope.agent.internal.invocation.Invocation;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProcAndXRayTest {
    @Test
    void processStartFromProcStat() {
        String stat = "4242 (java main) S 1 4242 4242 0 -1 4194560 1 0 0 0 5 3 0 0 20 0 20 0 123456 0 0";
        assertEquals(123456, ProcStat.startTicks(stat));
        assertEquals(-1, ProcStat.startTicks("garbage"));
        long now = System.currentTimeMillis();
        long start = ProcStat.processStartEpochMillis(now);
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        // /proc dates the process's creation, the JVM its own start a little later; both in 10 ms steps.
        assertTrue(start <= jvmStart + 50 && jvmStart - start < 10_000,
                "process start " + start + ", JVM start " + jvmStart);
    }

    @Test
    void peakRssFromProcStatus() {
        byte[] status = "Name:\tjava\nVmPeak:\t  999 kB\nVmHWM:\t   51234 kB\nVmRSS:\t 1 kB\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertEquals(51234L * 1024, MemoryProbe.parseKilobytes(status, status.length));
        assertEquals(-1, MemoryProbe.parseKilobytes(new byte[0], 0));
        assertTrue(new MemoryProbe().peakRssBytes() > 1_000_000L);
    }

    @Test
    void xrayHeaderGivesTraceAndParentIds() {
        Invocation inv = new Invocation(Thread.currentThread(), null, 0, 0);
        assertTrue(XRayTraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", inv));
        assertEquals(0x5759e988bd862e3fL, inv.traceIdHigh);
        assertEquals(0xe1be46a994272793L, inv.traceIdLow);
        assertEquals(0x53995c3f42cd8ad8L, inv.parentSpanId);
        Invocation other = new Invocation(Thread.currentThread(), null, 0, 0);
        assertFalse(XRayTraceHeader.parse("Root=1-zz;Sampled=0", other));
        assertFalse(XRayTraceHeader.parse("Sampled=1", other));
        assertTrue(XRayTraceHeader.parse("Root=1-5759e988-bd862e3fe1be46a994272793", other));
        assertEquals(0, other.parentSpanId);
    }
}
