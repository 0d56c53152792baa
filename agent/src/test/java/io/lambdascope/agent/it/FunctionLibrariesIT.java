package io.lambdascope.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A function bundling its own Jackson, protobuf, OpenTelemetry API and ASM still works and is still
 * instrumented; bad settings cost one warning each, never the function; LAMBDASCOPE_ENABLED=false is silent.
 */
class FunctionLibrariesIT {
    private static final String OWN = "io.lambdascope.agent.testfn.OwnLibraries";

    @Test
    void functionWithItsOwnLibrariesWorksAndIsInstrumented() throws Exception {
        try (CaptureServer collector = CaptureServer.start();
             FunctionProcess fn = FunctionProcess.builder().handler(OWN).endpoint(collector.endpoint())
                     .env("LAMBDASCOPE_MAX_BUFFERED_SPANS", "lots")
                     .env("LAMBDASCOPE_TIMEOUT_MARGIN", "-5ms").start()) {
            fn.awaitReady(Duration.ofSeconds(20));
            String result = fn.invoke(OWN, "own-1", 30_000, "map:ann");
            assertTrue(result.startsWith("returned:{"), result);
            assertEquals(Map.of("proto", "ann", "asm", true, "otelValid", false),
                    new com.fasterxml.jackson.databind.ObjectMapper().readValue(result.substring(9), Map.class));
            assertEquals(1, collector.spans().size());
            assertEquals("own-1", collector.spans().get(0).attr("faas.invocation_id"));
            String[] warnings = fn.stderr().trim().split("\n");
            assertEquals(2, warnings.length, fn.stderr());
            java.util.Arrays.sort(warnings);
            assertTrue(warnings[0].startsWith("lambdascope: LAMBDASCOPE_MAX_BUFFERED_SPANS=lots is not an integer"),
                    warnings[0]);
            assertTrue(warnings[1].startsWith("lambdascope: LAMBDASCOPE_TIMEOUT_MARGIN=-5ms is not a duration"), warnings[1]);
        }
        try (CaptureServer collector = CaptureServer.start();
             FunctionProcess fn = FunctionProcess.builder().handler(OWN).endpoint(collector.endpoint())
                     .env("LAMBDASCOPE_ENABLED", "false").start()) {
            fn.awaitReady(Duration.ofSeconds(20));
            String result = fn.invoke(OWN, "own-2", 30_000, "map:ann");
            assertTrue(result.startsWith("returned:{"), result);
            assertEquals(0, collector.spans().size(), "disabled: no spans");
            assertEquals("", fn.stderr());
        }
    }
}
