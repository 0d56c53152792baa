package io.lambdascope.agent.internal.instrumentation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.Context;
import com.sun.net.httpserver.HttpServer;
import io.lambdascope.agent.internal.AgentSettings;
import io.lambdascope.agent.internal.invocation.Invocations;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rewritten class passes the JVM's verifier and behaves exactly like the original for awkward method shapes
 * (loops, switches, try/finally, synchronized, wide primitives, arrays, static), and each outermost call reports
 * one invocation: one span, exported to a real HTTP server before the call returns.
 */
class HandlerInstrumenterTest {
    private static final List<Span> exported = new CopyOnWriteArrayList<>();
    private static HttpServer collector;
    private static Class<?> original;
    private static Class<?> instrumented;

    @BeforeAll
    static void instrument() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        collector.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                exported.addAll(ExportTraceServiceRequest.parseFrom(in.readAllBytes())
                        .getResourceSpans(0).getScopeSpans(0).getSpansList());
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        // The hooks' recorder is built once per JVM, from these settings; a wide budget for a loaded machine.
        Invocations.configure(AgentSettings.from(Map.of(
                "LAMBDASCOPE_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                "LAMBDASCOPE_FLUSH_TIMEOUT", "10s", "LAMBDASCOPE_TIMEOUT_MARGIN", "0ms")));
        byte[] bytes;
        try (InputStream in = Shapes.class.getResourceAsStream("Shapes.class")) {
            bytes = in.readAllBytes();
        }
        HandlerInstrumenter.Result result = HandlerInstrumenter.instrumentHandler(bytes, "handle", true);
        assertNotNull(result.bytes());
        original = Shapes.class;
        instrumented = new DefiningLoader(HandlerInstrumenterTest.class.getClassLoader())
                .define(Shapes.class.getName(), result.bytes());
    }

    @AfterAll
    static void stop() {
        collector.stop(0);
    }

    private static Object call(Class<?> type, String[] signature, Object... args) throws Throwable {
        Class<?>[] params = new Class<?>[signature.length];
        for (int i = 0; i < signature.length; i++) {
            switch (signature[i]) {
                case "int":
                    params[i] = int.class;
                    break;
                case "long":
                    params[i] = long.class;
                    break;
                case "double":
                    params[i] = double.class;
                    break;
                case "double[]":
                    params[i] = double[].class;
                    break;
                default:
                    params[i] = Class.forName(signature[i]);
            }
        }
        Method m = type.getMethod("handle", params);
        Object target = java.lang.reflect.Modifier.isStatic(m.getModifiers()) ? null
                : type.getDeclaredConstructor().newInstance();
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void same(String[] signature, Object... args) throws Throwable {
        Object expected = call(original, signature, args);
        Object actual = call(instrumented, signature, args);
        if (expected instanceof double[]) {
            assertArrayEquals((double[]) expected, (double[]) actual);
        } else {
            assertEquals(expected, actual);
        }
    }

    @Test
    void behavesLikeTheOriginalAndReportsEachOutermostCall() throws Throwable {
        same(new String[] {"int", "long", "double"}, 50, 7L, 3.5);
        same(new String[] {"int", "long", "double"}, 1000, 70L, 3.5);
        same(new String[] {"java.lang.String", Context.class.getName()}, "42", null);
        same(new String[] {"java.lang.String", Context.class.getName()}, "x", null);
        same(new String[] {"java.lang.String", Context.class.getName()}, null, null);
        same(new String[] {});
        same(new String[] {"java.lang.Object"}, "fine");
        same(new String[] {"double[]", Context.class.getName()}, new double[] {1, 2.5}, null);
        assertEquals(8, exported.size(), "one span per call: the nested overload call makes none of its own");
        for (Span span : exported) {
            assertEquals("success", attribute(span, "lambdascope.outcome"));
        }

        IllegalStateException thrown = new IllegalStateException("boom");
        Throwable actual = assertThrows(IllegalStateException.class,
                () -> call(instrumented, new String[] {"java.lang.Object"}, thrown));
        assertSame(thrown, actual, "the very same exception object is rethrown");
        assertEquals(9, exported.size());
        assertEquals("error", attribute(exported.get(8), "lambdascope.outcome"));
        assertEquals("java.lang.IllegalStateException", attribute(exported.get(8), "error.type"));
    }

    private static String attribute(Span span, String key) {
        for (KeyValue kv : span.getAttributesList()) {
            if (kv.getKey().equals(key)) {
                return kv.getValue().getStringValue();
            }
        }
        return null;
    }

    @Test
    void classesWithoutTheMethodAreLeftAlone() throws Exception {
        byte[] bytes;
        try (InputStream in = Shapes.class.getResourceAsStream("Shapes.class")) {
            bytes = in.readAllBytes();
        }
        HandlerInstrumenter.Result result = HandlerInstrumenter.instrumentHandler(bytes, "absent", true);
        assertNull(result.bytes());
        assertEquals("java/lang/Object", result.superName());
    }

    private static final class DefiningLoader extends ClassLoader {
        DefiningLoader(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
