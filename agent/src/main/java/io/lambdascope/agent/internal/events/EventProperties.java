package io.lambdascope.agent.internal.events;

import io.lambdascope.agent.internal.Reflection;
import java.lang.reflect.Method;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a property of an event the same way whether the function received a {@code Map} (raw JSON keys) or an
 * aws-lambda-java-events object (getters, found once per class and name).
 */
final class EventProperties {
    /** Per class: getter name to method, null for a name the class has no getter for. */
    private static final ClassValue<Map<String, Method>> GETTERS = new ClassValue<Map<String, Method>>() {
        @Override
        protected Map<String, Method> computeValue(Class<?> type) {
            return new HashMap<>(8);
        }
    };

    private EventProperties() {
    }

    static Object get(Object target, String mapKey, String getter) {
        if (target == null) {
            return null;
        }
        if (target instanceof Map) {
            return ((Map<?, ?>) target).get(mapKey);
        }
        return Reflection.call(getter(target.getClass(), getter), target);
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
        synchronized (cache) {
            Method m = cache.get(name);
            if (m == null && !cache.containsKey(name)) {
                m = Reflection.getter(type, name);
                cache.put(name, m);
            }
            return m;
        }
    }
}
