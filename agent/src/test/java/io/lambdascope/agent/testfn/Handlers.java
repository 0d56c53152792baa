package io.lambdascope.agent.testfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyRequestEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayProxyResponseEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The matrix of handler shapes and behaviours the agent must instrument without changing them. */
public final class Handlers {
    private Handlers() {
    }

    public static final class Echo implements RequestHandler<String, String> {
        @Override
        public String handleRequest(String input, Context context) {
            return "echo:" + input;
        }
    }

    public static final class ReturnsNull implements RequestHandler<String, String> {
        @Override
        public String handleRequest(String input, Context context) {
            return null;
        }
    }

    public static final class ThrowsUnchecked implements RequestHandler<String, String> {
        @Override
        public String handleRequest(String input, Context context) {
            if (input.isEmpty()) {
                return "never";
            }
            throw new IllegalStateException("cannot process " + input + " with key AKIAABCDEFGHIJKLMNOP");
        }
    }

    public static final class ThrowsError implements RequestHandler<String, String> {
        @Override
        public String handleRequest(String input, Context context) {
            throw new AssertionError("invariant broken: " + input);
        }
    }

    public static final class Stream implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            String text = new String(input.readAllBytes(), StandardCharsets.UTF_8);
            output.write(text.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A stream handler answering API Gateway the way web frameworks do: the response JSON on the stream. */
    public static final class StreamApi implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
            int status = event.contains("\"/fail\"") ? 503 : 200;
            output.write(("{\"statusCode\":" + status + ",\"body\":\"done\"}").getBytes(StandardCharsets.UTF_8));
        }
    }

    public static final class MapInput implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            Map<String, Object> out = new LinkedHashMap<>(input);
            out.put("seen", true);
            return out;
        }
    }

    public static final class Sqs implements RequestHandler<SQSEvent, String> {
        @Override
        public String handleRequest(SQSEvent event, Context context) {
            StringBuilder sb = new StringBuilder();
            for (SQSEvent.SQSMessage m : event.getRecords()) {
                sb.append(m.getMessageId()).append(';');
            }
            return sb.toString();
        }
    }

    public static final class ApiGateway
            implements RequestHandler<APIGatewayProxyRequestEvent, APIGatewayProxyResponseEvent> {
        @Override
        public APIGatewayProxyResponseEvent handleRequest(APIGatewayProxyRequestEvent event, Context context) {
            int status = event.getPath().equals("/fail") ? 502 : 200;
            return new APIGatewayProxyResponseEvent().withStatusCode(status).withBody("path " + event.getPath());
        }
    }

    /** Sleeps for the number of ms given as input: times out when that exceeds the remaining time. */
    public static final class Slow implements RequestHandler<String, String> {
        @Override
        public String handleRequest(String input, Context context) {
            sleepInsideHandler(Long.parseLong(input));
            return "slept " + input;
        }

        private static void sleepInsideHandler(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public static final class SpawnsThreads implements RequestHandler<String, String> {
        @Override
        public String handleRequest(String input, Context context) {
            AtomicLong sum = new AtomicLong();
            List<Thread> threads = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                int n = i;
                Thread t = new Thread(() -> sum.addAndGet(n * 1000L));
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return "sum " + sum.get();
        }
    }

    /** A POJO handler, named as {@code Handlers$Pojo::handle}: an overload calls the other one. */
    public static final class Pojo {
        public String handle(Map<String, Object> input, Context context) throws IOException {
            if ("fail".equals(input.get("name"))) {
                throw new IOException("upstream refused: password=hunter2 token=abc123");
            }
            return handle(input) + " in " + context.getFunctionName();
        }

        public String handle(Map<String, Object> input) {
            return "hello " + input.get("name");
        }

        public String other(Map<String, Object> input) {
            return "not instrumented";
        }
    }
}
