package io.lambdascope.agent.testfn;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * A custom runtime (as on {@code provided.al2}): its own loop on the Runtime API, calling no class that
 * {@code _HANDLER} names, so the agent finds nothing to instrument.
 */
public final class CustomRuntime {
    private CustomRuntime() {
    }

    public static void main(String[] args) throws Exception {
        String api = "http://" + System.getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/";
        while (true) {
            HttpURLConnection next = (HttpURLConnection) new URL(api + "next").openConnection();
            next.setReadTimeout(0);
            if (next.getResponseCode() != 200) {
                return;
            }
            String requestId = next.getHeaderField("Lambda-Runtime-Aws-Request-Id");
            String event;
            try (InputStream in = next.getInputStream()) {
                event = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            HttpURLConnection response = (HttpURLConnection) new URL(api + requestId + "/response").openConnection();
            response.setRequestMethod("POST");
            response.setDoOutput(true);
            try (OutputStream out = response.getOutputStream()) {
                out.write(("\"custom " + event.length() + "\"").getBytes(StandardCharsets.UTF_8));
            }
            response.getResponseCode();
            response.getInputStream().close();
        }
    }
}
