package io.lambdascope.agent.internal.instrumentation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        Class<?> sdkException = Class.forName(ReturnHookInstrumenter.SERVICE_EXCEPTION.replace('/', '.'), false,
                withSdk);
        HandlerTransformer t = new HandlerTransformer(HANDLER, true, inst);
        assertNotNull(t.transform(withSdk, HANDLER_PATH, null, null, bytes(Shapes.class)));
        assertEquals(List.of(), removed, "the SDK's exception may still load");
        assertNotNull(t.transform(withSdk, ReturnHookInstrumenter.SERVICE_EXCEPTION, null, null, bytes(sdkException)));
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

    @Test
    void theRuntimeClientTellsWhenItPostedAResponse() throws Exception {
        Class<?> client = Class.forName(ReturnHookInstrumenter.RUNTIME_CLIENT.replace('/', '.'), false,
                getClass().getClassLoader());
        HandlerTransformer t = new HandlerTransformer(HANDLER, false, inst);
        byte[] hooked = t.transform(getClass().getClassLoader(), ReturnHookInstrumenter.RUNTIME_CLIENT, null, null,
                bytes(client));
        assertNotNull(hooked, "the official client (the version Lambda's Java runtimes run) gets the hook");
        assertTrue(io.lambdascope.agent.internal.invocation.Invocations.isResponseHooked());
        assertEquals(List.of(), removed, "the handler, which loads after the client, is still to come");

        // Every return of both posting methods calls the hook first; nothing else changed.
        java.util.Map<String, Integer> hooks = new java.util.TreeMap<>();
        java.util.Map<String, Integer> returns = new java.util.TreeMap<>();
        new org.objectweb.asm.ClassReader(hooked).accept(new org.objectweb.asm.ClassVisitor(HandlerInstrumenter.API) {
            @Override
            public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String descriptor,
                                                               String signature, String[] exceptions) {
                return new org.objectweb.asm.MethodVisitor(HandlerInstrumenter.API) {
                    private boolean hookJustCalled;

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        hookJustCalled = owner.equals(HandlerInstrumenter.HOOKS);
                        if (hookJustCalled) {
                            assertEquals("responsePosted()V", method + desc);
                            hooks.merge(name, 1, Integer::sum);
                        }
                    }

                    @Override
                    public void visitInsn(int opcode) {
                        if (opcode == org.objectweb.asm.Opcodes.RETURN) {
                            returns.merge(name, 1, Integer::sum);
                            if (name.startsWith("reportInvocation")) {
                                assertTrue(hookJustCalled, name + " returns without the hook");
                            }
                        }
                        hookJustCalled = false;
                    }
                };
            }
        }, 0);
        assertEquals(java.util.Set.of("reportInvocationError", "reportInvocationSuccess"), hooks.keySet());
        assertEquals(returns.get("reportInvocationSuccess"), hooks.get("reportInvocationSuccess"));
        assertEquals(returns.get("reportInvocationError"), hooks.get("reportInvocationError"));
        // The rewritten class, run: posting an error to a Runtime API tells the extension's sink, once, after the
        // Runtime API took it.
        com.sun.net.httpserver.HttpServer runtimeApi = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 4);
        List<String> events = new CopyOnWriteArrayList<>();
        runtimeApi.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            events.add("posted " + exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        runtimeApi.start();
        io.lambdascope.agent.internal.invocation.Invocations.registrationSettled(
                new io.lambdascope.agent.internal.invocation.InvocationSink() {
                    @Override
                    public void finished(io.lambdascope.agent.internal.invocation.Invocation inv) {
                    }

                    @Override
                    public void responsePosted() {
                        events.add("told");
                    }

                    @Override
                    public void timedOut(long deadlineNanos) {
                    }
                }, null);
        try {
            ClassLoader parent = getClass().getClassLoader();
            ClassLoader runtime = new RuntimeClientLoader(parent, client.getName(), hooked);
            Class<?> rewritten = Class.forName(client.getName(), true, runtime);
            Object instance = rewritten.getConstructor(String.class)
                    .newInstance("127.0.0.1:" + runtimeApi.getAddress().getPort());
            String api = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.";
            Class<?> errorType = Class.forName(api + "RapidErrorType", true, runtime);
            Class<?> errorRequest = Class.forName(api + "dto.ErrorRequest", true, runtime);
            Object error = Class.forName(api + "LambdaError", true, runtime)
                    .getConstructor(errorRequest, errorType)
                    .newInstance(errorRequest.getConstructor(String.class, String.class, String[].class)
                            .newInstance("boom", "java.lang.IllegalStateException", new String[0]),
                            errorType.getEnumConstants()[0]);
            rewritten.getMethod("reportInvocationError", String.class, error.getClass()).invoke(instance, "req-1",
                    error);
            assertEquals(List.of("posted /2018-06-01/runtime/invocation/req-1/error", "told"), events);
        } finally {
            io.lambdascope.agent.internal.invocation.Invocations.registrationSettled(null, null);
            runtimeApi.stop(0);
        }
    }

    @Test
    void aClassWithoutThePostingMethodsIsLeftAlone() throws Exception {
        HandlerTransformer t = new HandlerTransformer(HANDLER, false, inst);
        assertNull(t.transform(getClass().getClassLoader(), ReturnHookInstrumenter.RUNTIME_CLIENT, null, null,
                bytes(Shapes.class)));
    }

    private static byte[] bytes(Class<?> c) throws IOException {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Loads the runtime client's classes itself (one package at run time), the client rewritten. */
    private static final class RuntimeClientLoader extends ClassLoader {
        private final String rewrittenName;
        private final byte[] rewritten;

        RuntimeClientLoader(ClassLoader parent, String rewrittenName, byte[] rewritten) {
            super(parent);
            this.rewrittenName = rewrittenName;
            this.rewritten = rewritten;
        }

        @Override
        protected synchronized Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("com.amazonaws.services.lambda.runtime.api.client.")) {
                return super.loadClass(name, resolve);
            }
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                byte[] b = rewritten;
                if (!name.equals(rewrittenName)) {
                    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                        if (in == null) {
                            throw new ClassNotFoundException(name);
                        }
                        b = in.readAllBytes();
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                c = defineClass(name, b, 0, b.length);
            }
            return c;
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
