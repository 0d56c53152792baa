package io.lambdascope.agent.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * Reflective access to classes the agent must never link against: the function's Context and events and the
 * AWS SDK's exceptions belong to the function's class loader, in whatever versions it bundles. Never throws;
 * callers cache the methods they look up.
 */
public final class Reflection {
    /** Passed explicitly: a varargs call with no arguments allocates an empty array each time. */
    private static final Object[] NO_ARGS = new Object[0];

    private Reflection() {
    }

    /**
     * The public no-argument method {@code name} of {@code type} that returns a value, or null. Made accessible
     * when its declaring class is not public (a public method of a package-private implementation).
     */
    public static Method getter(Class<?> type, String name) {
        try {
            Method m = type.getMethod(name);
            if (m.getReturnType() == void.class) {
                return null;
            }
            if (!Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                m.setAccessible(true);
            }
            return m;
        } catch (Throwable t) {
            return null;
        }
    }

    /** What {@code getter} returns for {@code target}; null when there is no getter or it throws. */
    public static Object call(Method getter, Object target) {
        if (getter == null) {
            return null;
        }
        try {
            return getter.invoke(target, NO_ARGS);
        } catch (Throwable t) {
            return null;
        }
    }
}
