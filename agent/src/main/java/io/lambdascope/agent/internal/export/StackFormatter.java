package io.lambdascope.agent.internal.export;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Formats stack traces like {@link Throwable#printStackTrace()} but stops at a character budget, so a deep or
 * recursive trace costs little. Frames in common with the enclosing trace are elided as the JDK does.
 */
public final class StackFormatter {
    private static final int MAX_CAUSES = 8;

    private StackFormatter() {
    }

    static String format(Throwable t, int maxChars) {
        StringBuilder sb = new StringBuilder(Math.min(maxChars, 4096));
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        StackTraceElement[] enclosing = null;
        String prefix = "";
        int causes = 0;
        for (Throwable cur = t; cur != null && sb.length() < maxChars && causes <= MAX_CAUSES; cur = cur.getCause()) {
            if (seen.put(cur, Boolean.TRUE) != null) {
                sb.append("[CIRCULAR REFERENCE: ").append(cur.getClass().getName()).append("]\n");
                break;
            }
            sb.append(prefix).append(describe(cur)).append('\n');
            StackTraceElement[] frames = cur.getStackTrace();
            int common = 0;
            if (enclosing != null) {
                int m = frames.length - 1;
                int n = enclosing.length - 1;
                while (m >= 0 && n >= 0 && frames[m].equals(enclosing[n])) {
                    m--;
                    n--;
                    common++;
                }
            }
            for (int i = 0; i < frames.length - common && sb.length() < maxChars; i++) {
                sb.append("\tat ").append(frames[i]).append('\n');
            }
            if (common > 0) {
                sb.append("\t... ").append(common).append(" more\n");
            }
            enclosing = frames;
            prefix = "Caused by: ";
            causes++;
        }
        return sb.length() > maxChars ? sb.substring(0, maxChars) : sb.toString();
    }

    public static String format(StackTraceElement[] frames, int maxChars) {
        StringBuilder sb = new StringBuilder(Math.min(maxChars, 4096));
        for (int i = 0; i < frames.length && sb.length() < maxChars; i++) {
            sb.append("\tat ").append(frames[i]).append('\n');
        }
        return sb.length() > maxChars ? sb.substring(0, maxChars) : sb.toString();
    }

    /** {@code toString()} of a throwable, guarded: user code may override it and throw. */
    static String describe(Throwable t) {
        try {
            return String.valueOf(t);
        } catch (Throwable e) {
            return t.getClass().getName();
        }
    }

    static String message(Throwable t) {
        try {
            return t.getMessage();
        } catch (Throwable e) {
            return null;
        }
    }
}
