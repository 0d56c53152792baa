package io.lambdascope.agent.internal.extension;

import io.lambdascope.agent.internal.invocation.Invocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays the runtime in a test JVM, in Lambda's order: {@code next}, the handler (whose exit hook hands the
 * invocation to the extension, unless the handler has no hooks), the response, {@code next} again. A runtime whose
 * client tells when it posted a response ({@link #posting}) does so after the response.
 */
final class FakeRuntime implements Runnable {
    /** What the handler's exit hook hands over for a request id; null: a handler without hooks. */
    interface Handler {
        Invocation invoke(String requestId) throws Exception;
    }

    private static final AtomicLong SPAN_IDS = new AtomicLong(1);

    private final String address;
    private final Outbox outbox;
    private final Handler handler;
    private final Runnable beforePost;
    private final boolean tellsPosts;

    private FakeRuntime(String address, Outbox outbox, Handler handler, Runnable beforePost, boolean tellsPosts) {
        this.address = address;
        this.outbox = outbox;
        this.handler = handler;
        this.beforePost = beforePost;
        this.tellsPosts = tellsPosts;
    }

    static Thread start(String address, Outbox outbox, Handler handler) {
        return start(new FakeRuntime(address, outbox, handler, null, false));
    }

    /**
     * A runtime that runs {@code beforePost} between the handler's return and posting the response (the time a
     * runtime takes to serialize and post it), and tells the outbox once posted when {@code tellsPosts}.
     */
    static Thread posting(String address, Outbox outbox, Handler handler, Runnable beforePost, boolean tellsPosts) {
        return start(new FakeRuntime(address, outbox, handler, beforePost, tellsPosts));
    }

    private static Thread start(FakeRuntime runtime) {
        Thread t = new Thread(runtime, "fake-runtime");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A finished invocation of {@code requestId}, as the recorder leaves it. */
    static Invocation finished(String requestId) {
        long now = System.currentTimeMillis() * 1_000_000L;
        Invocation inv = new Invocation(Thread.currentThread(), null, now, System.nanoTime());
        inv.traceIdHigh = 1;
        inv.traceIdLow = 2;
        inv.spanId = SPAN_IDS.getAndIncrement();
        inv.requestId = requestId;
        inv.outcome = "success";
        inv.endEpochNanos = now + 1_000_000L;
        return inv;
    }

    @Override
    public void run() {
        try {
            while (true) {
                HttpURLConnection next = open("/2018-06-01/runtime/invocation/next");
                next.setReadTimeout(180_000);
                if (next.getResponseCode() != 200) {
                    return;
                }
                String requestId = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
                drain(next);
                Invocation inv = handler.invoke(requestId);
                if (inv != null) {
                    outbox.finished(inv);
                }
                if (beforePost != null) {
                    beforePost.run();
                }
                HttpURLConnection response = open("/2018-06-01/runtime/invocation/" + requestId + "/response");
                response.setRequestMethod("POST");
                response.setDoOutput(true);
                try (OutputStream out = response.getOutputStream()) {
                    out.write("\"ok\"".getBytes(StandardCharsets.UTF_8));
                }
                response.getResponseCode();
                drain(response);
                if (tellsPosts) {
                    outbox.responsePosted();
                }
            }
        } catch (Exception e) {
            // the double closed
        }
    }

    private HttpURLConnection open(String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://" + address + path).openConnection();
        c.setConnectTimeout(2_000);
        c.setReadTimeout(30_000);
        return c;
    }

    private static void drain(HttpURLConnection c) throws IOException {
        InputStream in = c.getResponseCode() >= 400 ? c.getErrorStream() : c.getInputStream();
        if (in != null) {
            in.readAllBytes();
            in.close();
        }
    }
}
