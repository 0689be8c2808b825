package stream.server.internal.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The delay schedule, its reset, its memory bound and its keys. */
class FailureThrottleTest {
    @Test
    void schedule() {
        assertEquals(List.of(0L, 0L, 0L, 250L, 500L, 1000L, 2000L, 4000L, 5000L, 5000L),
                IntStream.range(0, 10).mapToObj(n -> FailureThrottle.delayAfter(n).toMillis()).toList());
        assertEquals(Duration.ofSeconds(5), FailureThrottle.delayAfter(Integer.MAX_VALUE));
    }

    @Test
    void failuresGrowPerAddressAndASuccessForgetsThem() throws UnknownHostException {
        AtomicLong now = new AtomicLong();
        FailureThrottle t = new FailureThrottle(now::get, 100);
        InetAddress a = InetAddress.getByName("192.0.2.1"), b = InetAddress.getByName("192.0.2.2");
        for (int i = 0; i < 4; i++) t.failed(a);
        assertEquals(Duration.ofMillis(500), t.delay(a));
        assertEquals(Duration.ZERO, t.delay(b));
        t.succeeded(a);
        assertEquals(Duration.ZERO, t.delay(a));
        for (int i = 0; i < 3; i++) t.failed(a);
        assertEquals(Duration.ofMillis(250), t.delay(a));
        now.addAndGet(Duration.ofMinutes(16).toNanos());
        assertEquals(Duration.ZERO, t.delay(a), "forgotten after 15 minutes");
        assertEquals(1, t.failed(a));
    }

    @Test
    void ipv6CountsByItsSlash64() throws UnknownHostException {
        FailureThrottle t = new FailureThrottle();
        for (int i = 1; i <= 4; i++) t.failed(InetAddress.getByName("2001:db8:1:2::" + i));
        assertEquals(4, t.failures(InetAddress.getByName("2001:db8:1:2:ffff::9")));
        assertEquals(0, t.failures(InetAddress.getByName("2001:db8:1:3::1")));
        assertEquals(1, t.size());
    }

    @Test
    void memoryIsBounded() throws UnknownHostException {
        FailureThrottle t = new FailureThrottle(System::nanoTime, 100);
        InetAddress first = InetAddress.getByName("10.0.0.1");
        t.failed(first);
        for (int i = 0; i < 1000; i++) t.failed(InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i}));
        assertEquals(100, t.size());
        assertEquals(0, t.failures(first), "the least recent is forgotten first");
    }
}
