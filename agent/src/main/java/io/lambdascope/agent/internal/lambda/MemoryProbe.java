package io.lambdascope.agent.internal.lambda;

import java.io.IOException;
import java.io.RandomAccessFile;

/** Peak resident set (Linux {@code /proc/self/status} VmHWM) and heap in use, read at the end of an invocation. */
public final class MemoryProbe {
    private static final byte[] KEY = {'V', 'm', 'H', 'W', 'M', ':'};
    private static volatile boolean procAvailable = true;
    private final byte[] buffer = new byte[4096];
    private RandomAccessFile status;

    /** Peak RSS in bytes, or -1 when not on Linux. Not thread-safe: callers synchronize. */
    public long peakRssBytes() {
        if (!procAvailable) {
            return -1;
        }
        int n = 0;
        try {
            // Kept open: a /proc file reads afresh from offset 0, which saves an open and close per invocation.
            if (status == null) {
                status = new RandomAccessFile("/proc/self/status", "r");
            }
            status.seek(0);
            int r;
            while (n < buffer.length && (r = status.read(buffer, n, buffer.length - n)) > 0) {
                n += r;
            }
        } catch (IOException | RuntimeException e) {
            procAvailable = false;
            return -1;
        }
        return parseKilobytes(buffer, n);
    }

    static long parseKilobytes(byte[] status, int length) {
        outer:
        for (int i = 0; i + KEY.length <= length; i++) {
            if (i > 0 && status[i - 1] != '\n') {
                continue;
            }
            for (int k = 0; k < KEY.length; k++) {
                if (status[i + k] != KEY[k]) {
                    continue outer;
                }
            }
            long kb = 0;
            boolean digits = false;
            for (int j = i + KEY.length; j < length && status[j] != '\n'; j++) {
                byte b = status[j];
                if (b >= '0' && b <= '9') {
                    kb = kb * 10 + (b - '0');
                    digits = true;
                } else if (digits) {
                    break;
                }
            }
            return digits ? kb * 1024 : -1;
        }
        return -1;
    }

    public static long heapUsedBytes() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
