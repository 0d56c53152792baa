package io.lambdascope.agent.internal.instrumentation;

import io.lambdascope.agent.internal.invocation.Invocations;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Decides, from the class name alone where possible, whether a class gets hooks. With {@code _HANDLER} set only
 * that exact class matches (and, if it does not declare the handler method, its superclass, which the JVM loads
 * right after it); without it, classes whose header directly names a Lambda handler interface match. The AWS
 * SDK's {@code AwsServiceException} is matched by exact name for throttle recording, and the runtime interface
 * client's Runtime API client for the moment a response is posted (it loads before the handler). Any failure leaves
 * the class untouched.
 *
 * <p>Once the named handler has its hooks, and the SDK's exception either got its hook too or is not on the
 * handler's class path, the transformer removes itself: while one is registered the JVM hands every class it
 * loads to it (and reads each class it maps from the CDS archive back from the runtime image to do so), and a
 * cold start loads about a thousand classes after the handler.
 */
public final class HandlerTransformer implements ClassFileTransformer {
    private static final String DEFAULT_METHOD = "handleRequest";

    private final String targetClass;
    private final String targetMethod;
    private final boolean throttles;
    /** Superclasses to follow when the named handler class inherits its handler method (rare; tiny). */
    private volatile String[] inheritedTargets = new String[0];
    private volatile boolean warned;
    /** Where to remove this transformer from once it has nothing left to do, or null to keep it. */
    private final Instrumentation inst;
    private volatile boolean handlerDone;
    /** True while AwsServiceException may still load and need its hook. */
    private volatile boolean exceptionPending;

    /**
     * @param handler the Lambda handler string ({@code pkg.Class::method} or {@code pkg.Class}), or null to
     *                match classes that implement a handler interface directly
     */
    public HandlerTransformer(String handler, boolean throttles) {
        this(handler, throttles, null);
    }

    /** As above, removing itself from {@code inst} once the handler (and the SDK's exception) got their hooks. */
    public HandlerTransformer(String handler, boolean throttles, Instrumentation inst) {
        this.throttles = throttles;
        this.inst = inst;
        this.exceptionPending = throttles;
        if (handler == null) {
            targetClass = null;
            targetMethod = DEFAULT_METHOD;
        } else {
            int sep = handler.indexOf("::");
            String cls = sep < 0 ? handler : handler.substring(0, sep);
            String method = sep < 0 ? DEFAULT_METHOD : handler.substring(sep + 2);
            targetClass = cls.trim().replace('.', '/');
            targetMethod = method.trim().isEmpty() ? DEFAULT_METHOD : method.trim();
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> classBeingRedefined,
                            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (className == null || loader == null || classBeingRedefined != null) {
            return null;
        }
        try {
            if (throttles && className.equals(ReturnHookInstrumenter.SERVICE_EXCEPTION)) {
                byte[] bytes = hooksVisible(loader) ? ReturnHookInstrumenter.serviceException(classfileBuffer) : null;
                if (bytes != null) {
                    exceptionPending = false;
                    removeIfDone();
                }
                return bytes;
            }
            if (className.equals(ReturnHookInstrumenter.RUNTIME_CLIENT)) {
                byte[] bytes = hooksVisible(loader) ? ReturnHookInstrumenter.runtimeClient(classfileBuffer) : null;
                if (bytes != null) {
                    Invocations.responseHooked();
                }
                return bytes;
            }
            if (targetClass != null) {
                if (className.equals(targetClass) || isInheritedTarget(className)) {
                    HandlerStatus.seen();
                    // The handler loads during init: the extension must have registered, and subscribed to the
                    // platform's events, before init ends (or fails, in the handler's initializer).
                    Invocations.awaitRegistration();
                    return instrumentHandler(loader, classfileBuffer, true);
                }
                return null;
            }
            if (excluded(className)) {
                return null;
            }
            if (HandlerInstrumenter.implementsHandlerInterface(classfileBuffer)) {
                Invocations.awaitRegistration();
                return instrumentHandler(loader, classfileBuffer, false);
            }
            return null;
        } catch (Throwable t) {
            if (targetClass == null || className.equals(targetClass) || isInheritedTarget(className)) {
                HandlerStatus.failed("rewriting " + className + " failed: " + t);
            }
            warnOnce(className, t);
            return null;
        }
    }

    private byte[] instrumentHandler(ClassLoader loader, byte[] bytes, boolean named) {
        if (!hooksVisible(loader)) {
            HandlerStatus.failed("the handler's class loader cannot see the agent");
            warnOnce(null, new IllegalStateException("the handler's class loader cannot see the agent"));
            return null;
        }
        HandlerInstrumenter.Result result = HandlerInstrumenter.instrumentHandler(bytes, targetMethod, named);
        if (result.bytes() != null) {
            HandlerStatus.rewritten();
            if (named) {
                if (exceptionPending
                        && loader.getResource(ReturnHookInstrumenter.SERVICE_EXCEPTION + ".class") == null) {
                    exceptionPending = false; // no AWS SDK v2 where the handler lives: no exception to hook
                }
                handlerDone = true;
                removeIfDone();
            }
        } else if (named && result.superName() != null && !result.superName().equals("java/lang/Object")) {
            addInheritedTarget(result.superName());
        }
        return result.bytes();
    }

    /**
     * Called from {@link #transform}: the JVM's transformer list is copied on write, so removing here is safe. A
     * failure only leaves the transformer in place; the class just rewritten keeps its hooks.
     */
    private void removeIfDone() {
        if (inst != null && handlerDone && !exceptionPending) {
            try {
                inst.removeTransformer(this);
            } catch (Throwable t) {
                System.err.println("lambdascope: the class file transformer stays registered: " + t);
            }
        }
    }

    private boolean isInheritedTarget(String className) {
        for (String t : inheritedTargets) {
            if (t.equals(className)) {
                return true;
            }
        }
        return false;
    }

    private synchronized void addInheritedTarget(String superName) {
        String[] old = inheritedTargets;
        String[] grown = new String[old.length + 1];
        System.arraycopy(old, 0, grown, 0, old.length);
        grown[old.length] = superName;
        inheritedTargets = grown;
    }

    static boolean excluded(String className) {
        return className.startsWith("java/") || className.startsWith("javax/") || className.startsWith("jdk/")
                || className.startsWith("sun/") || className.startsWith("com/sun/")
                || className.startsWith("com/amazonaws/services/lambda/runtime/")
                || className.startsWith("software/amazon/awssdk/")
                // the agent itself (not the rest of io.lambdascope: example functions live there)
                || className.startsWith("io/lambdascope/agent/internal/")
                || className.startsWith("io/lambdascope/agent/shaded/")
                || className.equals("io/lambdascope/agent/LambdascopeAgent");
    }

    /** Hooks are called by name from the function's classes: their loader must resolve the agent's own class. */
    private static boolean hooksVisible(ClassLoader loader) {
        try {
            return Class.forName(Hooks.class.getName(), false, loader) == Hooks.class;
        } catch (Throwable t) {
            return false;
        }
    }

    private void warnOnce(String className, Throwable t) {
        if (!warned) {
            warned = true;
            System.err.println("lambdascope: not instrumenting " + (className == null ? "handler" : className) + ": " + t);
        }
    }
}
