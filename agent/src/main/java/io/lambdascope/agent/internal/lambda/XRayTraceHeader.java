package io.lambdascope.agent.internal.lambda;

import io.lambdascope.agent.internal.invocation.Invocation;

/**
 * Takes trace and parent ids from the X-Ray trace header Lambda passes to each invocation
 * ({@link LambdaEnvironment#traceHeader()})
 * ({@code Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1}), so spans line up
 * with X-Ray and with upstream OpenTelemetry traces propagated through it.
 */
public final class XRayTraceHeader {
    private XRayTraceHeader() {
    }

    /** Sets the trace id (and parent span id if present) on {@code inv}; false if the header has no root. */
    public static boolean parse(String header, Invocation inv) {
        int root = header.indexOf("Root=1-");
        if (root < 0 || root + 7 + 8 + 1 + 24 > header.length()) {
            return false;
        }
        int p = root + 7;
        if (header.charAt(p + 8) != '-') {
            return false;
        }
        long epoch = hex(header, p, p + 8);
        long uniqueHigh = hex(header, p + 9, p + 9 + 8);
        long uniqueLow = hex(header, p + 17, p + 17 + 16);
        if (epoch < 0 || uniqueHigh < 0 || (uniqueLow == -1 && !header.regionMatches(true, p + 17, "ffffffffffffffff", 0, 16))) {
            return false;
        }
        inv.traceIdHigh = (epoch << 32) | uniqueHigh;
        inv.traceIdLow = uniqueLow;
        int parent = header.indexOf("Parent=");
        if (parent >= 0 && parent + 7 + 16 <= header.length()) {
            long id = hex(header, parent + 7, parent + 7 + 16);
            if (id != -1 || header.regionMatches(true, parent + 7, "ffffffffffffffff", 0, 16)) {
                inv.parentSpanId = id;
            }
        }
        return inv.traceIdHigh != 0 || inv.traceIdLow != 0;
    }

    /** Parses hex digits; returns -1 on a non-hex character (callers check the all-f case). */
    private static long hex(String s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }
}
