package io.lambdascope.agent.internal.export;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces what looks like a secret in exception messages and stack traces with {@code ***}: AWS access key
 * ids, {@code password=}/{@code secret=}/{@code token=}-style assignments, bearer tokens and long base64 runs
 * that mix letters and digits (AWS secret keys, JWT parts). Only used on the error path; the patterns are
 * compiled on first use.
 */
public final class SecretScrubber {
    private static final String MASK = "***";

    private SecretScrubber() {
    }

    private static final class Patterns {
        static final Pattern ACCESS_KEY = Pattern.compile("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\\b");
        static final Pattern ASSIGNMENT = Pattern.compile(
                "(?i)\\b([a-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|credentials?)"
                        + "[a-z0-9_-]*\"?\\s*[=:]\\s*\"?)([^\\s\"'&,;)}\\]]+)");
        static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}");
        static final Pattern LONG_BASE64 = Pattern.compile("[A-Za-z0-9+/_-]{32,}={0,2}");
    }

    /** The text with secrets masked; null stays null. */
    public static String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String s = Patterns.ACCESS_KEY.matcher(text).replaceAll(MASK);
        s = Patterns.ASSIGNMENT.matcher(s).replaceAll("$1" + MASK);
        s = Patterns.BEARER.matcher(s).replaceAll("$1 " + MASK);
        return maskLongBase64(s);
    }

    private static String maskLongBase64(String s) {
        Matcher m = Patterns.LONG_BASE64.matcher(s);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            if (!looksRandom(s, m.start(), m.end())) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(s.length());
            }
            out.append(s, last, m.start()).append(MASK);
            last = m.end();
        }
        if (out == null) {
            return s;
        }
        return out.append(s, last, s.length()).toString();
    }

    /** Identifiers are long too: a secret mixes digits with upper- and lower-case letters. */
    private static boolean looksRandom(String s, int start, int end) {
        boolean digit = false;
        boolean upper = false;
        boolean lower = false;
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
            }
        }
        return digit && upper && lower;
    }
}
