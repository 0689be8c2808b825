package bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The gst-launch-1.0 argv rewrites: our pipeline by hand, the original design's sender, NTP-64 timestamps. */
final class Pipelines {
    static final String NTP_EXT = "urn:ietf:params:rtp-hdrext:ntp-64";

    private Pipelines() {}

    /**
     * The server's argv sending to udp instead: the pipeline up to and with the payloader, then one
     * udpsink to udp. What the server adds after the payloader (a tee with a loopback copy to its own
     * RTP tap) is ours and not part of the raw pipeline; how the server's first udpsink sends
     * ({@code sync=}, {@code async=}) is GStreamer's and is kept, so the ratio compares our work, not
     * sink settings (a synchronising udpsink alone holds each packet for a frame period). Without a
     * payloader, the ports are replaced
     * (discoverUdp: the port the server sent to, the one to replace among several clients).
     */
    static List<String> withPort(List<String> argv, int udp, int discoverUdp) {
        int pay = argv.indexOf("rtph264pay");
        if (pay >= 0) {
            int bang = argv.subList(pay, argv.size()).indexOf("!");
            if (bang >= 0) {
                // everything up to the payloader, then one udpsink: no tee, no copy to the server's tap
                List<String> out = new ArrayList<>(argv.subList(0, pay + bang + 1));
                out.addAll(List.of("udpsink", "host=127.0.0.1", "port=" + udp));
                int sink = argv.subList(pay, argv.size()).indexOf("udpsink");
                if (sink >= 0) {
                    for (String a : argv.subList(pay + sink + 1, argv.size())) {
                        if (a.equals("!") || a.endsWith(".")) break; // the end of the first sink's properties
                        if (a.startsWith("sync=") || a.startsWith("async=")) out.add(a);
                    }
                }
                return out;
            }
        }
        List<String> out = new ArrayList<>();
        for (String a : argv) {
            if (a.matches("port=\\d+")) {
                out.add("port=" + udp);
            } else if (a.startsWith("clients=")) {
                String dest = null;
                for (String c : a.substring(8).split(",")) if (c.endsWith(":" + discoverUdp)) dest = c;
                if (dest == null) dest = a.substring(8).split(",")[0];
                out.add("clients=" + dest.substring(0, dest.lastIndexOf(':') + 1) + udp);
            } else {
                out.add(a);
            }
        }
        return out;
    }

    /** The original design's sender: no caps before the encoder, x264enc tune=zerolatency, auto keyint. */
    static List<String> originalArgv(String gstLaunch, String sourceCaps, int udp) {
        List<String> a = new ArrayList<>(List.of(gstLaunch, "-e", "videotestsrc", "is-live=true", "pattern=ball", "!"));
        a.addAll(List.of(sourceCaps, "!", "videoconvert", "!", "x264enc", "tune=zerolatency", "!",
                "rtph264pay", "config-interval=1", "pt=96", "!", "udpsink", "host=127.0.0.1", "port=" + udp));
        return a;
    }

    /** The same rewrite as the PATH shim: rtpbin with RFC 6051 NTP-64 capture timestamps before udpsink. */
    static List<String> withNtp64(List<String> argv) {
        List<String> out = new ArrayList<>();
        boolean inserted = false;
        int pay = 0; // 1 after rtph264pay, 2 once the extension is in
        for (String a : argv) {
            if (!inserted && out.size() > 0 && !a.startsWith("-")) {
                out.addAll(List.of("rtpbin", "name=rbntp", "rtcp-sync-send-time=false"));
                inserted = true;
            }
            out.add(a);
            if (a.equals("rtph264pay") && pay == 0) pay = 1;
            if (a.equals("!") && pay == 1) {
                out.addAll(List.of("application/x-rtp,extmap-1=(string)" + NTP_EXT, "!", "rbntp.send_rtp_sink_0",
                        "rbntp.send_rtp_src_0", "!"));
                pay = 2;
            }
        }
        return out;
    }

    /** A gst-launch-1.0 shim for the server's PATH: {@link #withNtp64} in bash, then the real one; writes the argv to mark. */
    static String shimScript(String realGst, Path mark) {
        return """
            #!/bin/bash
            # bench: adds RFC 6051 NTP-64 capture timestamps (rtpbin + rtphdrextntp64) before udpsink, then runs the real gst-launch-1.0
            # (the same rewrite as Pipelines.withNtp64: right after the payloader, so every branch after it carries the extension)
            out=(); inserted=0; pay=0
            for a in "$@"; do
              if [[ $inserted == 0 && ${#out[@]} -gt 0 && $a != -* ]]; then out+=(rtpbin name=rbntp rtcp-sync-send-time=false); inserted=1; fi
              out+=("$a")
              if [[ $a == rtph264pay && $pay == 0 ]]; then pay=1; fi
              if [[ $a == '!' && $pay == 1 ]]; then
                out+=('application/x-rtp,extmap-1=(string)urn:ietf:params:rtp-hdrext:ntp-64' '!' rbntp.send_rtp_sink_0 rbntp.send_rtp_src_0 '!')
                pay=2
              fi
            done
            printf '%s\\n' "REALGST" "${out[@]}" > 'MARK'
            exec REALGST "${out[@]}"
            """.replace("REALGST", realGst).replace("MARK", mark.toString());
    }
}
