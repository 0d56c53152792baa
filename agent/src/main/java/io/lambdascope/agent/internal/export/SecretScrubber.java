package io.lambdascope.agent.internal.export;

/**
 * Replaces what looks like a secret in exception messages and stack traces with {@code ***}: AWS access key
 * ids, {@code password=}/{@code secret=}/{@code token=}-style assignments, bearer tokens and long base64 runs
 * that mix letters and digits (AWS secret keys, JWT parts). Only used on the error and timeout paths.
 *
 * <p>Hand-written scanners, one per pass, that match exactly what these expressions match with
 * {@code java.util.regex} ({@code replaceAll}, leftmost match first), as SecretScrubberTest checks against them:
 * <pre>
 * \b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b                    -> ***
 * (?i)\b([a-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|credentials?)
 *      [a-z0-9_-]*"?\s*[=:]\s*"?)([^\s"'&amp;,;)}\]]+)                             -> $1***
 * (?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}                                  -> $1 ***
 * [A-Za-z0-9+/_-]{32,}={0,2}, when it mixes digits, upper- and lower-case letters  -> ***
 * </pre>
 * Word boundaries ({@code \b}) count ASCII letters, digits and {@code _} as word characters, as java.util.regex
 * does since Java 19. Compiling those patterns took about 10 ms of a cold JVM's CPU (and lambdas spun at run
 * time), paid on the first invocation, where the timeout path is warmed up.
 */
public final class SecretScrubber {
    private static final String MASK = "***";
    private static final String[] ACCESS_KEY_PREFIXES =
        {"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"};
    private static final int ACCESS_KEY_LENGTH = 20;
    /** Lower case; {@code credential} covers {@code credentials?}. */
    private static final String[] SECRET_NAMES = {"password", "passwd", "pwd", "secret", "token", "apikey",
        "api_key", "api-key", "accesskey", "access_key", "access-key", "credential"};
    private static final int MIN_BEARER_TOKEN = 8;
    private static final int MIN_BASE64_RUN = 32;

    private SecretScrubber() {
    }

    /** The text with secrets masked; null stays null. */
    public static String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String s = maskAccessKeys(text);
        s = maskAssignments(s);
        s = maskBearerTokens(s);
        return maskLongBase64(s);
    }

    private static String maskAccessKeys(String s) {
        StringBuilder out = null;
        int last = 0;
        int i = 0;
        int n = s.length();
        while (i + ACCESS_KEY_LENGTH <= n) {
            if (s.charAt(i) == 'A' && accessKeyAt(s, i)) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                out.append(s, last, i).append(MASK);
                i += ACCESS_KEY_LENGTH;
                last = i;
            } else {
                i++;
            }
        }
        return out == null ? s : out.append(s, last, n).toString();
    }

    private static boolean accessKeyAt(String s, int i) {
        boolean prefix = false;
        for (String p : ACCESS_KEY_PREFIXES) {
            if (s.startsWith(p, i)) {
                prefix = true;
                break;
            }
        }
        if (!prefix || !boundary(s, i)) {
            return false;
        }
        for (int k = i + 4; k < i + ACCESS_KEY_LENGTH; k++) {
            char c = s.charAt(k);
            if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return boundary(s, i + ACCESS_KEY_LENGTH);
    }

    private static String maskAssignments(String s) {
        StringBuilder out = null;
        int last = 0;
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!nameChar(s.charAt(i))) {
                i++;
                continue;
            }
            int runEnd = i;
            while (runEnd < n && nameChar(s.charAt(runEnd))) {
                runEnd++;
            }
            // The match starts at the first word boundary in the run; the name must reach the run's end.
            int start = -1;
            for (int p = i; p < runEnd; p++) {
                if (boundary(s, p)) {
                    start = p;
                    break;
                }
            }
            int valueStart = start < 0 || !namesSecret(s, start, runEnd) ? -1 : valueStart(s, runEnd);
            if (valueStart < 0) {
                i = runEnd;
                continue;
            }
            int valueEnd = valueStart;
            while (valueEnd < n && valueChar(s.charAt(valueEnd))) {
                valueEnd++;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(s, last, valueStart).append(MASK);
            last = valueEnd;
            i = valueEnd;
        }
        return out == null ? s : out.append(s, last, n).toString();
    }

    /** After a secret's name: {@code "?\s*[=:]\s*"?} and where the value starts, or -1 when no value follows. */
    private static int valueStart(String s, int j) {
        int n = s.length();
        if (j < n && s.charAt(j) == '"') {
            j++;
        }
        while (j < n && space(s.charAt(j))) {
            j++;
        }
        if (j >= n || s.charAt(j) != '=' && s.charAt(j) != ':') {
            return -1;
        }
        j++;
        while (j < n && space(s.charAt(j))) {
            j++;
        }
        if (j < n && s.charAt(j) == '"') {
            j++;
        }
        return j < n && valueChar(s.charAt(j)) ? j : -1;
    }

    private static boolean namesSecret(String s, int from, int to) {
        for (String name : SECRET_NAMES) {
            for (int k = from; k + name.length() <= to; k++) {
                if (asciiRegionMatches(s, k, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String maskBearerTokens(String s) {
        StringBuilder out = null;
        int last = 0;
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            int word = c == 'b' || c == 'B' ? schemeLength(s, i) : 0;
            if (word == 0 || !boundary(s, i)) {
                i++;
                continue;
            }
            int j = i + word;
            while (j < n && space(s.charAt(j))) {
                j++;
            }
            int tokenEnd = j;
            while (tokenEnd < n && tokenChar(s.charAt(tokenEnd))) {
                tokenEnd++;
            }
            if (j == i + word || tokenEnd - j < MIN_BEARER_TOKEN) {
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(s, last, i + word).append(' ').append(MASK);
            last = tokenEnd;
            i = tokenEnd;
        }
        return out == null ? s : out.append(s, last, n).toString();
    }

    /** 6 for {@code bearer}, 5 for {@code basic} at {@code i} (any case), else 0. */
    private static int schemeLength(String s, int i) {
        if (asciiRegionMatches(s, i, "bearer")) {
            return 6;
        }
        return asciiRegionMatches(s, i, "basic") ? 5 : 0;
    }

    private static String maskLongBase64(String s) {
        StringBuilder out = null;
        int last = 0;
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!base64Char(s.charAt(i))) {
                i++;
                continue;
            }
            int end = i;
            while (end < n && base64Char(s.charAt(end))) {
                end++;
            }
            if (end - i < MIN_BASE64_RUN) {
                i = end;
                continue;
            }
            for (int pad = 0; pad < 2 && end < n && s.charAt(end) == '='; pad++) {
                end++;
            }
            if (looksRandom(s, i, end)) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                out.append(s, last, i).append(MASK);
                last = end;
            }
            i = end;
        }
        return out == null ? s : out.append(s, last, n).toString();
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

    /**
     * {@code \b} at {@code i}, with ASCII letters, digits and {@code _} as word characters (java.util.regex since
     * Java 19; before, any Unicode letter or digit counted, which masked less).
     */
    static boolean boundary(String s, int i) {
        boolean left = i > 0 && wordChar(s.charAt(i - 1));
        boolean right = i < s.length() && wordChar(s.charAt(i));
        return left != right;
    }

    private static boolean wordChar(char c) {
        return asciiAlnum(c) || c == '_';
    }

    /** {@code s.regionMatches(true, ...)} with ASCII case folding only, as {@code (?i)} without UNICODE_CASE. */
    private static boolean asciiRegionMatches(String s, int from, String lower) {
        if (from + lower.length() > s.length()) {
            return false;
        }
        for (int k = 0; k < lower.length(); k++) {
            char c = s.charAt(from + k);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static boolean asciiAlnum(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /** {@code [a-z0-9_-]} under {@code (?i)}. */
    private static boolean nameChar(char c) {
        return asciiAlnum(c) || c == '_' || c == '-';
    }

    /** {@code \s}: space, tab, line feed, vertical tab, form feed, carriage return. */
    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** {@code [^\s"'&,;)}\]]}. */
    private static boolean valueChar(char c) {
        return !space(c) && c != '"' && c != '\'' && c != '&' && c != ',' && c != ';' && c != ')' && c != '}'
                && c != ']';
    }

    /** {@code [A-Za-z0-9._~+/=-]}. */
    private static boolean tokenChar(char c) {
        return asciiAlnum(c) || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=' || c == '-';
    }

    /** {@code [A-Za-z0-9+/_-]}. */
    private static boolean base64Char(char c) {
        return asciiAlnum(c) || c == '+' || c == '/' || c == '_' || c == '-';
    }
}
