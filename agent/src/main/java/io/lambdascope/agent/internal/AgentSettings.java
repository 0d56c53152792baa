package io.lambdascope.agent.internal;

import io.lambdascope.agent.internal.export.OtlpHttpClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The agent's settings, read from a map of environment-variable names (normally {@code System.getenv()}).
 * A bad value produces one warning and the default: settings never stop a function from starting.
 * Every setting is documented in docs/agent.md.
 */
public final class AgentSettings {
    public static final String ENABLED = "LAMBDASCOPE_ENABLED";
    public static final String ENDPOINT = "LAMBDASCOPE_ENDPOINT";
    public static final String TOKEN = "LAMBDASCOPE_TOKEN";
    public static final String FLUSH_TIMEOUT_MS = "LAMBDASCOPE_FLUSH_TIMEOUT_MS";
    public static final String TIMEOUT_MARGIN_MS = "LAMBDASCOPE_TIMEOUT_MARGIN_MS";
    public static final String MAX_BUFFERED_SPANS = "LAMBDASCOPE_MAX_BUFFERED_SPANS";
    public static final String HANDLER = "LAMBDASCOPE_HANDLER";
    public static final String THROTTLES = "LAMBDASCOPE_THROTTLES";
    public static final String DEBUG = "LAMBDASCOPE_DEBUG";

    public static final String DEFAULT_ENDPOINT = "http://localhost:4318";
    public static final int DEFAULT_FLUSH_TIMEOUT_MS = 300;
    public static final int DEFAULT_TIMEOUT_MARGIN_MS = 200;
    public static final int DEFAULT_MAX_BUFFERED_SPANS = 64;

    private final boolean enabled;
    private final String endpoint;
    private final String token;
    private final int flushTimeoutMs;
    private final int timeoutMarginMs;
    private final int maxBufferedSpans;
    private final String handler;
    private final boolean throttles;
    private final boolean debug;
    private final List<String> warnings;

    private AgentSettings(Map<String, String> env) {
        List<String> warn = new ArrayList<>(0);
        enabled = bool(env, ENABLED, true, warn);
        endpoint = endpoint(env, warn);
        String t = trimToNull(env.get(TOKEN));
        token = t;
        flushTimeoutMs = integer(env, FLUSH_TIMEOUT_MS, DEFAULT_FLUSH_TIMEOUT_MS, 1, 30_000, warn);
        timeoutMarginMs = integer(env, TIMEOUT_MARGIN_MS, DEFAULT_TIMEOUT_MARGIN_MS, 0, 60_000, warn);
        maxBufferedSpans = integer(env, MAX_BUFFERED_SPANS, DEFAULT_MAX_BUFFERED_SPANS, 0, 10_000, warn);
        String h = trimToNull(env.get(HANDLER));
        handler = h != null ? h : trimToNull(env.get("_HANDLER"));
        throttles = bool(env, THROTTLES, true, warn);
        debug = bool(env, DEBUG, false, warn);
        warnings = Collections.unmodifiableList(warn);
    }

    /** Reads the settings; never throws for bad values (see {@link #warnings()}). */
    public static AgentSettings from(Map<String, String> env) {
        return new AgentSettings(Objects.requireNonNull(env, "env"));
    }

    /** {@code LAMBDASCOPE_ENABLED}: false turns the agent off entirely (no transformer). Default true. */
    public boolean enabled() {
        return enabled;
    }

    /** {@code LAMBDASCOPE_ENDPOINT}: OTLP/HTTP base URL; spans go to {@code <endpoint>/v1/traces}. */
    public String endpoint() {
        return endpoint;
    }

    /** {@code LAMBDASCOPE_TOKEN}: bearer token sent to the collector, or null. */
    public String token() {
        return token;
    }

    /** {@code LAMBDASCOPE_FLUSH_TIMEOUT_MS}: the most an export may block the handler. Default 300. */
    public int flushTimeoutMs() {
        return flushTimeoutMs;
    }

    /** {@code LAMBDASCOPE_TIMEOUT_MARGIN_MS}: watchdog fires this long before the deadline; 0 disables it. */
    public int timeoutMarginMs() {
        return timeoutMarginMs;
    }

    /** {@code LAMBDASCOPE_MAX_BUFFERED_SPANS}: spans kept for retry while the collector is unreachable. */
    public int maxBufferedSpans() {
        return maxBufferedSpans;
    }

    /** {@code LAMBDASCOPE_HANDLER}, else Lambda's {@code _HANDLER}: the handler to instrument, or null. */
    public String handler() {
        return handler;
    }

    /** {@code LAMBDASCOPE_THROTTLES}: record AWS SDK v2 throttling errors. Default true. */
    public boolean throttles() {
        return throttles;
    }

    /** {@code LAMBDASCOPE_DEBUG}: print every export failure to stderr (default: only the first). */
    public boolean debug() {
        return debug;
    }

    /** One line per bad value, already naming the setting and the default used. */
    public List<String> warnings() {
        return warnings;
    }

    private static String endpoint(Map<String, String> env, List<String> warn) {
        String value = trimToNull(env.get(ENDPOINT));
        if (value == null) {
            return DEFAULT_ENDPOINT;
        }
        try {
            OtlpHttpClient.Endpoint.parse(value);
            return value;
        } catch (IllegalArgumentException e) {
            warn.add(ENDPOINT + "=" + value + " is not an http(s) URL (" + e.getMessage() + "); using " + DEFAULT_ENDPOINT);
            return DEFAULT_ENDPOINT;
        }
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback, List<String> warn) {
        String value = trimToNull(env.get(name));
        if (value == null) {
            return fallback;
        }
        if (value.equalsIgnoreCase("true") || value.equals("1") || value.equalsIgnoreCase("yes")) {
            return true;
        }
        if (value.equalsIgnoreCase("false") || value.equals("0") || value.equalsIgnoreCase("no")) {
            return false;
        }
        warn.add(name + "=" + value + " is not true/false; using " + fallback);
        return fallback;
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max, List<String> warn) {
        String value = trimToNull(env.get(name));
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        warn.add(name + "=" + value + " is not an integer in [" + min + ", " + max + "]; using " + fallback);
        return fallback;
    }

    private static String trimToNull(String s) {
        if (s == null) {
            return null;
        }
        String t = s.trim();
        return t.isEmpty() ? null : t;
    }
}
