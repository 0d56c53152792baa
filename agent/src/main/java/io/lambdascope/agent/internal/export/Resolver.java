package io.lambdascope.agent.internal.export;

import io.lambdascope.agent.internal.Deadlines;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;

/**
 * Host name lookups bounded by a deadline. {@link InetAddress} has no timeout of its own: a resolver that does not
 * answer holds the caller for as long as the system retries (seconds), which would break the flush budget and,
 * in direct mode, hold the handler. A lookup runs on a short-lived daemon thread; the caller waits at most until
 * its deadline, and a lookup still running then finishes in the background, where the next caller for the same
 * host picks it up (the JVM also caches answers). IP literals are parsed, never looked up.
 */
public final class Resolver {
    /** The lookup itself; a seam for tests, which make it slow. */
    public interface HostLookup {
        InetAddress lookup(String host) throws IOException;
    }

    public static final HostLookup SYSTEM = new HostLookup() {
        @Override
        public InetAddress lookup(String host) throws IOException {
            return InetAddress.getByName(host);
        }
    };

    /** A successful answer is reused this long (wall clock, so a frozen environment counts the pause). */
    private static final long REUSE_MILLIS = 30_000;

    private final HostLookup lookup;
    private Lookup last;

    public Resolver(HostLookup lookup) {
        this.lookup = lookup;
    }

    /** The address of {@code host}, or an exception once {@code deadlineNanos} (System.nanoTime) has passed. */
    public InetAddress resolve(String host, long deadlineNanos) throws IOException {
        if (isLiteral(host)) {
            return InetAddress.getByName(host);
        }
        Lookup l;
        synchronized (this) {
            l = last;
            if (l == null || !l.host.equals(host) || l.isStale(System.currentTimeMillis())) {
                l = new Lookup(host, lookup);
                last = l;
                Thread t = new Thread(l, "lambdascope-dns");
                t.setDaemon(true);
                t.start();
            }
        }
        return l.await(deadlineNanos);
    }

    /** An IPv4 or IPv6 literal, which needs no lookup. */
    public static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // IPv6
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    private static final class Lookup implements Runnable {
        final String host;
        private final HostLookup lookup;
        private InetAddress address;
        private IOException error;
        private boolean done;
        private long doneMillis;

        Lookup(String host, HostLookup lookup) {
            this.host = host;
            this.lookup = lookup;
        }

        @Override
        public void run() {
            InetAddress a = null;
            IOException e = null;
            try {
                a = lookup.lookup(host);
            } catch (IOException x) {
                e = x;
            } catch (RuntimeException x) {
                e = new IOException(x.toString());
            }
            synchronized (this) {
                address = a;
                error = e;
                done = true;
                doneMillis = System.currentTimeMillis();
                notifyAll();
            }
        }

        /** Failed lookups are retried by the next caller; answers are reused for a while. */
        synchronized boolean isStale(long nowMillis) {
            return done && (error != null || nowMillis - doneMillis > REUSE_MILLIS || nowMillis < doneMillis);
        }

        synchronized InetAddress await(long deadlineNanos) throws IOException {
            while (!done) {
                if (!Deadlines.waitOn(this, deadlineNanos)) {
                    throw new SocketTimeoutException("no DNS answer for " + host + " within the flush budget");
                }
            }
            if (error != null) {
                throw error;
            }
            return address;
        }
    }
}
