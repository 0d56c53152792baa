package io.lambdascope.agent.internal;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a property of an event the same way whether the function received a {@code Map} (raw JSON keys) or an
 * aws-lambda-java-events object (getters, found once per class and name).
 */
final class Props {
    /** Passed explicitly: a varargs call with no arguments allocates an empty array each time. */
    private static final Object[] NO_ARGS = new Object[0];

    private static final Method MISSING;

    static {
        try {
            MISSING = Object.class.getMethod("hashCode");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final ClassValue<Map<String, Method>> GETTERS = new ClassValue<Map<String, Method>>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            return new HashMap<>(8);
        }
    };

    private Props() {
    }

    static Object get(Object target, String mapKey, String getter) {
        if (target == null) {
            return null;
        }
        if (target instanceof Map) {
            return ((Map<?, ?>) target).get(mapKey);
        }
        Method m = getter(target.getClass(), getter);
        if (m == null) {
            return null;
        }
        try {
            return m.invoke(target, NO_ARGS);
        } catch (Throwable t) {
            return null;
        }
    }

    static String string(Object target, String mapKey, String getter) {
        Object value = get(target, mapKey, getter);
        return value == null ? null : value.toString();
    }

    static List<?> list(Object target, String mapKey, String getter) {
        Object value = get(target, mapKey, getter);
        return value instanceof List ? (List<?>) value : null;
    }

    /** An int from a Number or a numeric string, else -1. */
    static long number(Object value) {
        if (value instanceof Number) {
            return ((Number) value).longValue();
        }
        if (value instanceof String) {
            try {
                return Long.parseLong(((String) value).trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private static Method getter(Class<?> type, String name) {
        Map<String, Method> cache = GETTERS.get(type);
        Method m;
        synchronized (cache) {
            m = cache.get(name);
            if (m == null) {
                m = lookup(type, name);
                cache.put(name, m);
            }
        }
        return m == MISSING ? null : m;
    }

    private static Method lookup(Class<?> type, String name) {
        try {
            Method m = type.getMethod(name);
            if (m.getParameterCount() != 0 || m.getReturnType() == void.class) {
                return MISSING;
            }
            if (!Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                m.setAccessible(true);
            }
            return m;
        } catch (Throwable t) {
            return MISSING;
        }
    }
}
