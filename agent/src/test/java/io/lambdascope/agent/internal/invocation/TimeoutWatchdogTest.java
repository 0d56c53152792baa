package io.lambdascope.agent.internal.invocation;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog wakes only when it must, and still fires at every armed deadline. */
class TimeoutWatchdogTest {
    private final BlockingQueue<Invocation> fired = new LinkedBlockingQueue<>();
    private final TimeoutWatchdog watchdog = new TimeoutWatchdog(new TimeoutWatchdog.Listener() {
        @Override
        public void onDeadline(Invocation inv) {
            fired.add(inv);
        }

        @Override
        public void warmUp() {}
    });

    private static Invocation dueIn(long millis) {
        long now = System.nanoTime();
        Invocation inv = new Invocation(Thread.currentThread(), null, 0, now);
        inv.watchdogDeadlineNanos = now + TimeUnit.MILLISECONDS.toNanos(millis);
        return inv;
    }

    private void awaitAsleepUntil(long deadlineNanos) throws InterruptedException {
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (watchdog.sleepsUntil() != deadlineNanos) {
            assertTrue(System.nanoTime() < limit, "the watchdog never went to sleep towards the armed deadline");
            Thread.sleep(1);
        }
    }

    @Test
    void anEarlierDeadlineWakesAThreadAsleepTowardsALaterOne() throws Exception {
        Invocation far = dueIn(TimeUnit.HOURS.toMillis(1));
        watchdog.arm(far);
        awaitAsleepUntil(far.watchdogDeadlineNanos);
        watchdog.disarm(far);

        Invocation near = dueIn(30);
        watchdog.arm(near);

        assertSame(near, fired.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aLaterDeadlineIsFoundWhenTheEarlierOneComesWithoutAWakeUp() throws Exception {
        Invocation first = dueIn(200);
        watchdog.arm(first);
        awaitAsleepUntil(first.watchdogDeadlineNanos);
        watchdog.disarm(first); // returned in time: nothing wakes the thread
        Invocation second = dueIn(400);
        watchdog.arm(second); // later than what the thread sleeps towards: no unpark

        assertSame(second, fired.poll(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() >= second.watchdogDeadlineNanos, "fired before the deadline");
        assertNull(fired.poll(300, TimeUnit.MILLISECONDS), "the disarmed invocation fired");
    }
}
