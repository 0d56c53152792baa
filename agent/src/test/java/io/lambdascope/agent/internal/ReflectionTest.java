package io.lambdascope.agent.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

class ReflectionTest {
    public interface Named {
        String name();
    }

    /** Not public, like a runtime's own Context implementation: its public methods need setAccessible. */
    private static final class Hidden implements Named {
        @Override
        public String name() {
            return "hidden";
        }

        public void run() {
        }

        public String greet(String who) {
            return "hi " + who;
        }

        public String fails() {
            throw new IllegalStateException("user code");
        }
    }

    @Test
    void callsPublicMethodsOfNonPublicClasses() {
        Method name = Reflection.getter(Hidden.class, "name");
        assertEquals("hidden", Reflection.call(name, new Hidden()));
        assertEquals("hidden", Reflection.call(Reflection.getter(Named.class, "name"), new Hidden()));
    }

    @Test
    void onlyValueReturningNoArgumentMethodsAreGetters() {
        assertNull(Reflection.getter(Hidden.class, "run"), "void");
        assertNull(Reflection.getter(Hidden.class, "greet"), "takes an argument");
        assertNull(Reflection.getter(Hidden.class, "absent"));
    }

    @Test
    void neverThrows() {
        assertNull(Reflection.call(null, new Hidden()));
        assertNull(Reflection.call(Reflection.getter(Hidden.class, "fails"), new Hidden()), "the getter threw");
        assertNull(Reflection.call(Reflection.getter(Hidden.class, "name"), "not a Hidden"));
    }
}
