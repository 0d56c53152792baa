package io.lambdascope.agent.internal.lambda;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The process start time from Linux {@code /proc}: {@code /proc/self/stat} field 22 (start time in clock ticks
 * after boot) against {@code /proc/uptime}. Clock ticks are USER_HZ, 100 on Linux (10 ms resolution).
 */
public final class ProcStat {
    private static final long TICKS_PER_SECOND = 100;

    private ProcStat() {
    }

    /** The process start as epoch ms, or -1 when /proc is not there or not understood. */
    public static long processStartEpochMillis(long nowEpochMillis) {
        String stat = read("/proc/self/stat");
        String uptime = read("/proc/uptime");
        if (stat == null || uptime == null) {
            return -1;
        }
        long startTicks = startTicks(stat);
        double uptimeSeconds;
        try {
            int space = uptime.indexOf(' ');
            uptimeSeconds = Double.parseDouble(space < 0 ? uptime.trim() : uptime.substring(0, space));
        } catch (NumberFormatException e) {
            return -1;
        }
        if (startTicks < 0) {
            return -1;
        }
        long sinceStartMillis = (long) (uptimeSeconds * 1000) - startTicks * 1000 / TICKS_PER_SECOND;
        return sinceStartMillis < 0 ? -1 : nowEpochMillis - sinceStartMillis;
    }

    /** Field 22 of /proc/self/stat; the command name (field 2) may hold spaces, so count after its ')'. */
    static long startTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return -1;
        }
        String[] fields = stat.substring(close + 2).trim().split(" ");
        // fields[0] is field 3 (state): field 22 is at index 19
        if (fields.length < 20) {
            return -1;
        }
        try {
            return Long.parseLong(fields[19]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String read(String path) {
        byte[] buffer = new byte[1024];
        int n = 0;
        try (FileInputStream in = new FileInputStream(path)) {
            int r;
            while (n < buffer.length && (r = in.read(buffer, n, buffer.length - n)) > 0) {
                n += r;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return new String(buffer, 0, n, StandardCharsets.US_ASCII);
    }
}
