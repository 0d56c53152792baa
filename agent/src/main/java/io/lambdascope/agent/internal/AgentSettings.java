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
 * Durations are written as in every part of the project: a whole number and a unit ({@code 300ms}, {@code 10s},
 * {@code 5m}). Every setting is documented in docs/agent.md.
 */
public final class AgentSettings {
    public static final String ENABLED = "LAMBDASCOPE_ENABLED";
    public static final String ENDPOINT = "LAMBDASCOPE_ENDPOINT";
    public static final String TOKEN = "LAMBDASCOPE_TOKEN";
    public static final String FLUSH_TIMEOUT = "LAMBDASCOPE_FLUSH_TIMEOUT";
    public static final String TIMEOUT_MARGIN = "LAMBDASCOPE_TIMEOUT_MARGIN";
    public static final String MAX_BUFFERED_SPANS = "LAMBDASCOPE_MAX_BUFFERED_SPANS";
    public static final String MAX_BUFFERED_EVENTS = "LAMBDASCOPE_MAX_BUFFERED_EVENTS";
    public static final String HANDLER = "LAMBDASCOPE_HANDLER";
    public static final String THROTTLES = "LAMBDASCOPE_THROTTLES";
    public static final String DEBUG = "LAMBDASCOPE_DEBUG";
    public static final String EXTENSION = "LAMBDASCOPE_EXTENSION";
    public static final String EXPORT = "LAMBDASCOPE_EXPORT";
    public static final String BATCH_MAX_AGE = "LAMBDASCOPE_BATCH_MAX_AGE";
    public static final String TELEMETRY_PORT = "LAMBDASCOPE_TELEMETRY_PORT";
    public static final String FUNCTION_LOGS = "LAMBDASCOPE_FUNCTION_LOGS";
    /** Set by Lambda (host:port of the Runtime, Extensions and Telemetry APIs); absent outside Lambda. */
    public static final String RUNTIME_API = "AWS_LAMBDA_RUNTIME_API";

    /** Earlier names, in milliseconds; still read, with a warning, until every deployment has moved. */
    static final String OLD_FLUSH_TIMEOUT_MS = "LAMBDASCOPE_FLUSH_TIMEOUT_MS";
    static final String OLD_TIMEOUT_MARGIN_MS = "LAMBDASCOPE_TIMEOUT_MARGIN_MS";

    public static final String DEFAULT_ENDPOINT = "http://localhost:4318";
    public static final int DEFAULT_FLUSH_TIMEOUT_MS = 300;
    public static final int DEFAULT_TIMEOUT_MARGIN_MS = 200;
    public static final int DEFAULT_MAX_BUFFERED_SPANS = 64;
    public static final int DEFAULT_MAX_BUFFERED_EVENTS = 1000;
    public static final int DEFAULT_BATCH_MAX_AGE_MS = 10_000;

    private final boolean enabled;
    private final String endpoint;
    private final String token;
    private final int flushTimeoutMs;
    private final int timeoutMarginMs;
    private final int maxBufferedSpans;
    private final int maxBufferedEvents;
    private final String handler;
    private final boolean throttles;
    private final boolean debug;
    private final boolean extension;
    private final boolean batch;
    private final int batchMaxAgeMs;
    private final int telemetryPort;
    private final boolean functionLogs;
    private final String runtimeApi;
    private final List<String> warnings;

    private AgentSettings(Map<String, String> env) {
        List<String> warn = new ArrayList<>(0);
        enabled = bool(env, ENABLED, true, warn);
        endpoint = endpoint(env, warn);
        token = trimToNull(env.get(TOKEN));
        flushTimeoutMs = duration(env, FLUSH_TIMEOUT, OLD_FLUSH_TIMEOUT_MS, DEFAULT_FLUSH_TIMEOUT_MS, 1, 30_000, warn);
        timeoutMarginMs = duration(env, TIMEOUT_MARGIN, OLD_TIMEOUT_MARGIN_MS, DEFAULT_TIMEOUT_MARGIN_MS, 0, 60_000,
                warn);
        maxBufferedSpans = integer(env, MAX_BUFFERED_SPANS, DEFAULT_MAX_BUFFERED_SPANS, 0, 10_000, warn);
        maxBufferedEvents = integer(env, MAX_BUFFERED_EVENTS, DEFAULT_MAX_BUFFERED_EVENTS, 0, 100_000, warn);
        String h = trimToNull(env.get(HANDLER));
        handler = h != null ? h : trimToNull(env.get("_HANDLER"));
        throttles = bool(env, THROTTLES, true, warn);
        debug = bool(env, DEBUG, false, warn);
        extension = bool(env, EXTENSION, true, warn);
        batch = exportMode(env, warn);
        batchMaxAgeMs = duration(env, BATCH_MAX_AGE, null, DEFAULT_BATCH_MAX_AGE_MS, 100, 300_000, warn);
        int port = integer(env, TELEMETRY_PORT, 0, 0, 65_535, warn);
        if (port == 9001) {
            // Lambda reserves 9001 for its own APIs.
            warn.add(TELEMETRY_PORT + "=9001 is reserved by Lambda; using 0 (any free port)");
            port = 0;
        }
        telemetryPort = port;
        functionLogs = bool(env, FUNCTION_LOGS, false, warn);
        runtimeApi = trimToNull(env.get(RUNTIME_API));
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

    /** {@code LAMBDASCOPE_FLUSH_TIMEOUT}: the most one export may take (DNS, connect, TLS, send, answer). */
    public int flushTimeoutMs() {
        return flushTimeoutMs;
    }

    /** {@code LAMBDASCOPE_TIMEOUT_MARGIN}: watchdog fires this long before the deadline; 0 disables it. */
    public int timeoutMarginMs() {
        return timeoutMarginMs;
    }

    /** {@code LAMBDASCOPE_MAX_BUFFERED_SPANS}: spans kept while the collector cannot take them. */
    public int maxBufferedSpans() {
        return maxBufferedSpans;
    }

    /** {@code LAMBDASCOPE_MAX_BUFFERED_EVENTS}: platform events kept while the collector cannot take them. */
    public int maxBufferedEvents() {
        return maxBufferedEvents;
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

    /** {@code LAMBDASCOPE_EXTENSION}: register as an internal Lambda extension when on Lambda. Default true. */
    public boolean extension() {
        return extension;
    }

    /** {@code LAMBDASCOPE_EXPORT=batch}: spans of several invocations per request (extension mode only). */
    public boolean batch() {
        return batch;
    }

    /** {@code LAMBDASCOPE_BATCH_MAX_AGE}: the longest a span waits in batch mode. Default 10s. */
    public int batchMaxAgeMs() {
        return batchMaxAgeMs;
    }

    /** {@code LAMBDASCOPE_TELEMETRY_PORT}: the Telemetry API listener's port; 0 (default) is any free port. */
    public int telemetryPort() {
        return telemetryPort;
    }

    /** {@code LAMBDASCOPE_FUNCTION_LOGS}: also subscribe to the function's log lines. Default false. */
    public boolean functionLogs() {
        return functionLogs;
    }

    /** Lambda's {@code AWS_LAMBDA_RUNTIME_API} ({@code host:port}), or null outside Lambda. */
    public String runtimeApi() {
        return runtimeApi;
    }

    /** One line per bad value, already naming the setting and the default used. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * Milliseconds of a duration written {@code <whole number><unit>} with unit {@code ms}, {@code s}, {@code m},
     * {@code h} or {@code d}; -1 for anything else, a bare number included (it could mean either unit).
     */
    public static long parseDurationMillis(String text) {
        if (text == null) {
            return -1;
        }
        String t = text.trim();
        int digits = 0;
        while (digits < t.length() && t.charAt(digits) >= '0' && t.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0 || digits > 12) {
            return -1;
        }
        long n = Long.parseLong(t.substring(0, digits));
        switch (t.substring(digits)) {
            case "ms":
                return n;
            case "s":
                return n * 1000L;
            case "m":
                return n * 60_000L;
            case "h":
                return n * 3_600_000L;
            case "d":
                return n * 86_400_000L;
            default:
                return -1;
        }
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

    private static boolean exportMode(Map<String, String> env, List<String> warn) {
        String value = trimToNull(env.get(EXPORT));
        if (value == null || value.equalsIgnoreCase("invocation")) {
            return false;
        }
        if (value.equalsIgnoreCase("batch")) {
            return true;
        }
        warn.add(EXPORT + "=" + value + " is not invocation or batch; using invocation");
        return false;
    }

    private static int duration(Map<String, String> env, String name, String oldName, int fallbackMs, int minMs,
                                int maxMs, List<String> warn) {
        String value = trimToNull(env.get(name));
        String old = oldName == null ? null : trimToNull(env.get(oldName));
        if (value == null && old != null) {
            // The earlier setting counted milliseconds as a bare number.
            warn.add(oldName + " is now " + name + " (a duration such as " + old + "ms); reading it as milliseconds");
            value = old + "ms";
        } else if (old != null) {
            warn.add(oldName + " is ignored: " + name + " is set");
        }
        if (value == null) {
            return fallbackMs;
        }
        long ms = parseDurationMillis(value);
        if (ms >= minMs && ms <= maxMs) {
            return (int) ms;
        }
        warn.add(name + "=" + value + " is not a duration between " + format(minMs) + " and " + format(maxMs)
                + " (a whole number and a unit: 300ms, 10s, 5m); using " + format(fallbackMs));
        return fallbackMs;
    }

    private static String format(int ms) {
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms != 0 && ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
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
