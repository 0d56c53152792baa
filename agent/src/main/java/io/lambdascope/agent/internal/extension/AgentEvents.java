package io.lambdascope.agent.internal.extension;

import java.nio.charset.StandardCharsets;

/**
 * The agent's own events, in the Telemetry API's shape ({@code {time, type, record}}) with a {@code lambdascope.}
 * type, so they travel with the platform events (docs/telemetry.md §2).
 */
final class AgentEvents {
    private AgentEvents() {
    }

    /** {@code lambdascope.uninstrumented}: the handler named by {@code _HANDLER} never got its hooks. */
    static byte[] uninstrumented(String handler, String reason, long epochMillis) {
        StringBuilder sb = new StringBuilder(256).append("{\"time\":\"");
        iso8601(sb, epochMillis);
        sb.append("\",\"type\":\"lambdascope.uninstrumented\",\"record\":{\"handler\":");
        string(sb, handler);
        sb.append(",\"reason\":");
        string(sb, reason);
        sb.append("}}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code 2026-11-29T23:21:06.123Z}, as Lambda writes {@code time}; no java.time at the function's start. */
    static void iso8601(StringBuilder sb, long epochMillis) {
        long days = Math.floorDiv(epochMillis, 86_400_000L);
        long millisOfDay = Math.floorMod(epochMillis, 86_400_000L);
        // civil-from-days (proleptic Gregorian), after Howard Hinnant's algorithm
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long day = doy - (153 * mp + 2) / 5 + 1;
        long month = mp < 10 ? mp + 3 : mp - 9;
        long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        pad(sb, year, 4).append('-');
        pad(sb, month, 2).append('-');
        pad(sb, day, 2).append('T');
        pad(sb, millisOfDay / 3_600_000, 2).append(':');
        pad(sb, millisOfDay / 60_000 % 60, 2).append(':');
        pad(sb, millisOfDay / 1000 % 60, 2).append('.');
        pad(sb, millisOfDay % 1000, 3).append('Z');
    }

    private static StringBuilder pad(StringBuilder sb, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) {
            sb.append('0');
        }
        return sb.append(digits);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                String hex = Integer.toHexString(c);
                sb.append("\\u");
                for (int k = hex.length(); k < 4; k++) {
                    sb.append('0');
                }
                sb.append(hex);
            } else {
                sb.append(c);
            }
        }
        sb.append('"');
    }
}
