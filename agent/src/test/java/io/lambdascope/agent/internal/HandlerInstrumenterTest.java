package io.lambdascope.agent.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.amazonaws.services.lambda.runtime.Context;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rewritten class passes the JVM's verifier and behaves exactly like the original for awkward method shapes
 * (loops, switches, try/finally, synchronized, wide primitives, arrays, static), and each outermost call reports
 * one invocation.
 */
class HandlerInstrumenterTest {
    private static Class<?> original;
    private static Class<?> instrumented;

    @BeforeAll
    static void instrument() throws Exception {
        // Nowhere to export to: spans pile up in the buffer, which is what this test counts.
        Invocations.configure(AgentSettings.from(Map.of("LAMBDASCOPE_ENDPOINT", "http://127.0.0.1:1",
                "LAMBDASCOPE_FLUSH_TIMEOUT_MS", "50", "LAMBDASCOPE_TIMEOUT_MARGIN_MS", "0",
                "LAMBDASCOPE_MAX_BUFFERED_SPANS", "1000")));
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
        SpanExporter exporter = Invocations.Runtime.get().exporter();
        int before = exporter.bufferedSpans();
        same(new String[] {"int", "long", "double"}, 50, 7L, 3.5);
        same(new String[] {"int", "long", "double"}, 1000, 70L, 3.5);
        same(new String[] {"java.lang.String", Context.class.getName()}, "42", null);
        same(new String[] {"java.lang.String", Context.class.getName()}, "x", null);
        same(new String[] {"java.lang.String", Context.class.getName()}, null, null);
        same(new String[] {});
        same(new String[] {"java.lang.Object"}, "fine");
        same(new String[] {"double[]", Context.class.getName()}, new double[] {1, 2.5}, null);
        assertEquals(before + 8, exporter.bufferedSpans(), "the nested overload call makes no span of its own");

        IllegalStateException thrown = new IllegalStateException("boom");
        Throwable actual = assertThrows(IllegalStateException.class,
                () -> call(instrumented, new String[] {"java.lang.Object"}, thrown));
        assertSame(thrown, actual, "the very same exception object is rethrown");
        assertEquals(before + 9, exporter.bufferedSpans());
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
