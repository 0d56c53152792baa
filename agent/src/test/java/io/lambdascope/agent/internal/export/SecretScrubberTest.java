package io.lambdascope.agent.internal.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
