package bench;

import com.eclipsesource.json.JsonArray;
import com.eclipsesource.json.JsonObject;
import java.io.IOException;
import java.util.Arrays;
import stream.testkit.Chromium;

/**
 * What the browser phases do with a tab showing a {@link BrowserPage}: wait for its frames, read
 * its glass-to-glass samples, close it as a viewer leaving would.
 */
final class BrowserTabs {
    private BrowserTabs() {}

    /** Waits (20 s) until the tab presented so many frames; its stats. */
    static JsonObject awaitFrames(Chromium.Tab tab, int frames) throws Exception {
        return awaitFrames(tab, frames, "frames");
    }

    /** Waits (20 s) until the tab's stats() show so many under key (frames: presented, framesDecoded: decoded); its stats. */
    static JsonObject awaitFrames(Chromium.Tab tab, int frames, String key) throws Exception {
        JsonObject s = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            s = tab.evaluate("stats()").asObject();
            if (s.getInt(key, 0) >= frames) return s;
            if (s.get("error") != null && !s.get("error").isNull()) throw new IOException("the page could not watch: " + s);
            Thread.sleep(50);
        }
        throw new IOException("the browser showed no " + frames + " frames (" + key + ") in 20 s: " + s);
    }

    /** The page's glass-to-glass samples since its last reset(), in ms, sorted, and how many stamps it could not read. */
    record Samples(double[] ms, int unreadable) {}

    static Samples samples(Chromium.Tab tab) throws IOException {
        JsonObject page = tab.evaluate("({samples: state.samples, unreadable: state.unreadable})").asObject();
        return new Samples(sorted(page.get("samples").asArray()), page.getInt("unreadable", 0));
    }

    /** Ends the page's session (WHEP DELETE, Janus destroy), then closes the tab. */
    static void close(Chromium.Tab tab) {
        try {
            tab.evaluate("stop()");
            tab.close();
        } catch (IOException e) {
            // gone already
        }
    }

    static double[] sorted(JsonArray a) {
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) d[i] = a.get(i).asDouble();
        Arrays.sort(d);
        return d;
    }
}
