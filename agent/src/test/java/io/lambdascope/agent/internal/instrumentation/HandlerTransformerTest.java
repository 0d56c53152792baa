package io.lambdascope.agent.internal.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The transformer leaves the JVM once it has nothing left to do: right after the named handler got its hooks when
 * the AWS SDK v2 is not on the handler's class path (or throttles are off), else after the SDK's exception got its
 * hook too. While it stays, the JVM hands it every class it loads.
 */
class HandlerTransformerTest {
    private static final String HANDLER = Shapes.class.getName() + "::handle";
    private static final String HANDLER_PATH = Shapes.class.getName().replace('.', '/');

    /** The JVM's side: records what the transformer asks to be removed. */
    private final List<Object> removed = new CopyOnWriteArrayList<>();
    private final Instrumentation inst = (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                if (method.getName().equals("removeTransformer")) {
                    removed.add(args[0]);
                    return true;
                }
                throw new UnsupportedOperationException(method.getName());
            });

    @Test
    void leavesRightAfterTheHandlerWhenTheSdkIsNotThere() throws Exception {
        HandlerTransformer t = new HandlerTransformer(HANDLER, true, inst);
        assertNull(t.transform(new WithoutSdk(), "com/example/Other", null, null, new byte[0]));
        assertEquals(List.of(), removed, "not before the handler");
        assertNotNull(t.transform(new WithoutSdk(), HANDLER_PATH, null, null, bytes(Shapes.class)));
        assertEquals(List.of(t), removed);
    }

    @Test
    void staysForTheSdkExceptionThenLeaves() throws Exception {
        ClassLoader withSdk = getClass().getClassLoader();
        Class<?> sdkException = Class.forName(ServiceExceptionInstrumenter.CLASS_NAME.replace('/', '.'), false,
                withSdk);
        HandlerTransformer t = new HandlerTransformer(HANDLER, true, inst);
        assertNotNull(t.transform(withSdk, HANDLER_PATH, null, null, bytes(Shapes.class)));
        assertEquals(List.of(), removed, "the SDK's exception may still load");
        assertNotNull(t.transform(withSdk, ServiceExceptionInstrumenter.CLASS_NAME, null, null, bytes(sdkException)));
        assertEquals(List.of(t), removed);
    }

    @Test
    void withoutThrottlesLeavesRightAfterTheHandler() throws Exception {
        HandlerTransformer t = new HandlerTransformer(HANDLER, false, inst);
        assertNotNull(t.transform(getClass().getClassLoader(), HANDLER_PATH, null, null, bytes(Shapes.class)));
        assertEquals(List.of(t), removed);
    }

    @Test
    void withoutANamedHandlerStaysToMatchHandlerInterfaces() throws Exception {
        ClassFileTransformer t = new HandlerTransformer(null, false, inst);
        t.transform(new WithoutSdk(), HANDLER_PATH, null, null, bytes(Shapes.class));
        assertEquals(List.of(), removed);
    }

    private static byte[] bytes(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /** A function's class loader without the AWS SDK v2 (the agent's hooks visible, as on Lambda). */
    private static final class WithoutSdk extends ClassLoader {
        WithoutSdk() {
            super(HandlerTransformerTest.class.getClassLoader());
        }

        @Override
        public URL getResource(String name) {
            return name.startsWith("software/amazon/awssdk/") ? null : super.getResource(name);
        }
    }
}
