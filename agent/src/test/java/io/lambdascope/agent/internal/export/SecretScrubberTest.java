package io.lambdascope.agent.internal.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SecretScrubberTest {
    @Test
    void masksSecretsAndKeepsTheRest() {
        assertEquals("key *** used", SecretScrubber.scrub("key AKIAIOSFODNN7EXAMPLE used"));
        assertEquals("db_password=*** host=db", SecretScrubber.scrub("db_password=hunter2 host=db"));
        assertEquals("{\"password\":\"***\",\"user\":\"bob\"}",
                SecretScrubber.scrub("{\"password\":\"s3cr3t\",\"user\":\"bob\"}"));
        assertEquals("token: *** next", SecretScrubber.scrub("token: abc.def next"));
        assertEquals("API_KEY=***&x=1", SecretScrubber.scrub("API_KEY=abc123&x=1"));
        assertEquals("Authorization: Bearer ***", SecretScrubber.scrub("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc"));
        assertEquals("secret key *** end",
                SecretScrubber.scrub("secret key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end"));
    }

    @Test
    void leavesOrdinaryTextAndStackFramesAlone() {
        String frame = "\tat com.example.TokenService.refresh(TokenService.java:42)";
        assertEquals(frame, SecretScrubber.scrub(frame));
        String id = "request 8f14e45f-ceea-467f-a0e6-3f0c1d2e6a1b failed in reallyLongMethodNameWithoutAnyDigitsAtAll";
        assertEquals(id, SecretScrubber.scrub(id));
        assertEquals("", SecretScrubber.scrub(""));
        assertNull(SecretScrubber.scrub(null));
    }

    @Test
    void masksExactlyWhatTheRegularExpressionsMask() {
        // Pieces that start, end and break the four patterns, joined at random: the scanners must agree with the
        // expressions they replace on every string (ASCII: word boundaries differ for other letters across JDKs).
        String[] pieces = {"password", "PassWd", "pwd", "secret", "TOKEN", "api_key", "api-Key", "apikey",
            "access_key", "Access-Key", "credentials", "credential", "Bearer", "basic", "BASIC", "AKIA", "ASIA",
            "AROA", "AKIAIOSFODNN7", "EXAMPLE", "ABCDEFGH", "0123456789", "=", "==", ":", "\"", "'", " ", "  ",
            "\t", "\n", "\u000B", "-", "_",
            "&", ",", ";", ")", "}", "]", "(", "{", ".", "~", "+", "/", "x", "Q", "7", "db", "wJalrXUtnFEMI/K7MDENG",
            "bPxRfiCYEXAMPLEKEY", "abcdefghijklmnop", "ABCDEFGHIJKLMNOP", "a1B2c3D4e5F6g7H8", "at com.x.Y.z(Y.java:1)"};
        Random random = new Random(42);
        for (int n = 0; n < 100_000; n++) {
            StringBuilder text = new StringBuilder();
            int count = 1 + random.nextInt(12);
            for (int i = 0; i < count; i++) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            String input = text.toString();
            assertEquals(Reference.scrub(input), SecretScrubber.scrub(input), () -> "input: " + input);
        }
    }

    /** The expressions the scrubber was first written with: the specification its scanners are held to. */
    private static final class Reference {
        static final Pattern ACCESS_KEY =
                Pattern.compile("\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\\b");
        static final Pattern ASSIGNMENT = Pattern.compile(
                "(?i)\\b([a-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|credentials?)"
                        + "[a-z0-9_-]*\"?\\s*[=:]\\s*\"?)([^\\s\"'&,;)}\\]]+)");
        static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}");
        static final Pattern LONG_BASE64 = Pattern.compile("[A-Za-z0-9+/_-]{32,}={0,2}");

        static String scrub(String text) {
            String s = ACCESS_KEY.matcher(text).replaceAll("***");
            s = ASSIGNMENT.matcher(s).replaceAll("$1***");
            s = BEARER.matcher(s).replaceAll("$1 ***");
            Matcher m = LONG_BASE64.matcher(s);
            StringBuilder out = new StringBuilder();
            int last = 0;
            while (m.find()) {
                String run = m.group();
                if (run.matches(".*[0-9].*") && run.matches(".*[A-Z].*") && run.matches(".*[a-z].*")) {
                    out.append(s, last, m.start()).append("***");
                    last = m.end();
                }
            }
            return out.append(s, last, s.length()).toString();
        }
    }
}
