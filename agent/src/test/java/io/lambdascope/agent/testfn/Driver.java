package io.lambdascope.agent.testfn;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.lambdascope.testing.TestContext;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs in the forked function JVM and calls handlers the way Lambda does. Reads commands from stdin:
 * {@code invoke <handler> <requestId> <timeoutMs> <fixture>}, answers one line {@code RESULT <base64>} with
 * what the handler returned or threw (full stack trace), so runs with and without the agent can be compared
 * byte for byte. {@code exit} ends the process.
 */
public final class Driver {
    private static final Map<String, Object> HANDLERS = new HashMap<>();

    private Driver() {
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] parts = line.split(" ", 5);
            if (parts[0].equals("exit")) {
                break;
            }
            long start = System.nanoTime();
            String outcome = invoke(parts[1], parts[2], Long.parseLong(parts[3]), parts.length > 4 ? parts[4] : "null");
            long micros = (System.nanoTime() - start) / 1000;
            System.out.println("RESULT " + Base64.getEncoder().encodeToString(outcome.getBytes(StandardCharsets.UTF_8))
                    + " " + micros);
            System.out.flush();
        }
        System.exit(0);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String invoke(String handler, String requestId, long timeoutMs, String fixture) throws Exception {
        Context ctx = TestContext.builder().requestId(requestId).timeout(Duration.ofMillis(timeoutMs)).build();
        int sep = handler.indexOf("::");
        String className = sep < 0 ? handler : handler.substring(0, sep);
        Object instance = HANDLERS.get(className);
        if (instance == null) {
            instance = Class.forName(className).getDeclaredConstructor().newInstance();
            HANDLERS.put(className, instance);
        }
        try {
            if (sep >= 0) {
                return "returned:" + pojo(instance, handler.substring(sep + 2), Fixtures.input(fixture), ctx);
            }
            if (instance instanceof RequestStreamHandler) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ((RequestStreamHandler) instance).handleRequest(
                        new ByteArrayInputStream(Fixtures.bytes(fixture)), out, ctx);
                return "returned:" + out.toString(StandardCharsets.UTF_8);
            }
            Object result = ((RequestHandler) instance).handleRequest(Fixtures.input(fixture), ctx);
            return "returned:" + result;
        } catch (Throwable t) {
            StringWriter sw = new StringWriter();
            t.printStackTrace(new PrintWriter(sw));
            return "threw:" + sw;
        }
    }

    private static Object pojo(Object instance, String name, Object input, Context ctx) throws Throwable {
        Method chosen = null;
        for (Method m : instance.getClass().getMethods()) {
            // like Lambda: of the overloads, the one taking the most parameters
            if (m.getName().equals(name) && !m.isBridge()
                    && (chosen == null || m.getParameterCount() > chosen.getParameterCount())) {
                chosen = m;
            }
        }
        if (chosen != null) {
            Method m = chosen;
            Class<?>[] types = m.getParameterTypes();
            Object[] args = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                args[i] = Context.class.isAssignableFrom(types[i]) ? ctx : input;
            }
            try {
                return m.invoke(instance, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
        throw new NoSuchMethodException(name);
    }
}
