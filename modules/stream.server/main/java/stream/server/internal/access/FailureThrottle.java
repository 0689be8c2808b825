package stream.server.internal.access;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Slows down guessing: after {@value #FREE} failed authentications in a row from one address,
 * every further request from it that presents a credential waits before it is answered, 250 ms
 * doubling per failure up to 5 s ({@link #delay}). Nobody is locked out: the right credential
 * still works, just later, and a success forgets the failures. The wait applies to successes
 * too, else a guesser could tell a hit by its quick answer and stop waiting for the others.
 *
 * <p>An IPv4 address counts alone; IPv6 addresses count by their /64, which one host usually
 * owns whole. Behind a reverse proxy on the same host every client is 127.0.0.1 and shares one
 * count. Memory is bounded: at most {@value #MAX_ADDRESSES} addresses (the least recently failed
 * is forgotten first) and failures older than 15 minutes are forgotten.
 */
public final class FailureThrottle {
    /** Failures in a row that cost nothing (typos). */
    public static final int FREE = 3;
    /** At most this many addresses are remembered. */
    public static final int MAX_ADDRESSES = 10_000;
    private static final long FIRST_MS = 250;
    private static final long CAP_MS = 5_000;
    private static final long FORGET_NANOS = Duration.ofMinutes(15).toNanos();

    private record Failures(int count, long lastNanos) {}

    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return Arrays.toString(bytes);
        }
    }

    private final LongSupplier nanoTime;
    private final int maxAddresses;
    private final LinkedHashMap<Key, Failures> failures; // guarded by this; access order: least recent first

    /** A throttle with the documented limits. */
    public FailureThrottle() {
        this(System::nanoTime, MAX_ADDRESSES);
    }

    FailureThrottle(LongSupplier nanoTime, int maxAddresses) {
        this.nanoTime = nanoTime;
        this.maxAddresses = maxAddresses;
        this.failures = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Failures> eldest) {
                return size() > FailureThrottle.this.maxAddresses;
            }
        };
    }

    /** @param failuresInARow failed authentications so far @return how long the next answer waits */
    public static Duration delayAfter(int failuresInARow) {
        if (failuresInARow < FREE) return Duration.ZERO;
        int doublings = Math.min(failuresInARow - FREE, 10);
        return Duration.ofMillis(Math.min(CAP_MS, FIRST_MS << doublings));
    }

    /**
     * @param from the client's address
     * @return how long to wait before answering its request, from its failures so far
     */
    public Duration delay(InetAddress from) {
        return delayAfter(failures(from));
    }

    /** @param from the client's address @return its failed authentications in a row (forgotten after 15 minutes) */
    public synchronized int failures(InetAddress from) {
        Failures f = failures.get(key(from));
        return f == null || nanoTime.getAsLong() - f.lastNanos() > FORGET_NANOS ? 0 : f.count();
    }

    /**
     * Counts a failed authentication.
     * @param from the client's address
     * @return its failures in a row, this one included
     */
    public synchronized int failed(InetAddress from) {
        int n = failures(from) + 1;
        failures.put(key(from), new Failures(n, nanoTime.getAsLong()));
        return n;
    }

    /** Forgets the failures of an address whose client has just authenticated. */
    public synchronized void succeeded(InetAddress from) {
        failures.remove(key(from));
    }

    /** @return how many addresses are remembered */
    public synchronized int size() {
        return failures.size();
    }

    private static Key key(InetAddress a) {
        byte[] b = a.getAddress();
        return new Key(a instanceof Inet6Address && !isV4Mapped(b) ? Arrays.copyOf(b, 8) : b);
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) if (b[i] != 0) return false;
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }
}
