package stream.server.internal.settings;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import stream.server.internal.settings.SettingsGrammar.Invalid;

/**
 * The grammars of an IP camera's settings: its {@code rtsp://} URL (a value of {@code source}), the
 * user and password it wants (settings of their own, never in the URL) and the transport.
 *
 * <p>A URL never reaches a pipeline description (the camera relay sets it as a property), yet it
 * admits only what an RTSP URL of a camera needs: a host name or address, a port, and a path
 * with a query ({@code /cam/realmonitor?channel=1&subtype=0}). No {@code @}: credentials in a URL
 * end up on command lines, in logs and in the status, so a URL with {@code user:pass@} is refused
 * naming the two settings, and its user part is not echoed.
 */
public final class CameraGrammar {
    private CameraGrammar() {}

    /** The transports rtspsrc is asked to use. */
    public enum Transport {
        /** RTP interleaved in the RTSP TCP connection: passes NAT and firewalls, no loss. */ TCP,
        /** RTP over UDP ports negotiated in SETUP. */ UDP;

        /** @return tcp or udp */
        public String text() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String URL_ALLOWED = "rtsp://HOST[:PORT]/PATH (HOST a name, an IPv4 address or [IPv6]; PATH letters,"
            + " digits and . _ ~ - / ? & = % + ; ,)";
    static final String USER_ALLOWED = "1 to 128 printable characters without spaces or ':'";
    static final String PASSWORD_ALLOWED = "1 to 128 printable characters (the camera's password)";
    static final String TRANSPORT_ALLOWED = "tcp or udp";
    private static final String CREDENTIALS_HINT = "put the user in source-user and the password in source-password,"
            + " not in the URL (a URL is shown in the status and on command lines)";

    private static final Pattern URL = Pattern.compile("rtsp://(\\[[0-9A-Fa-f:.]{2,45}\\]|[A-Za-z0-9.-]{1,253})(?::([0-9]{1,5}))?(/[A-Za-z0-9._~/?&=%+;,-]{0,400})?");
    private static final Pattern USER = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]{1,128}");
    private static final Pattern PASSWORD = Pattern.compile("[\\x20-\\x7e]{1,128}");

    /** @param text a source value @return whether it names an RTSP camera (rtsp://...), well formed or not */
    public static boolean isCameraUrl(String text) {
        return text != null && text.regionMatches(true, 0, "rtsp://", 0, 7);
    }

    /**
     * @param text the value of source, starting with rtsp://
     * @return it, when well formed
     * @throws Invalid naming source; a URL with credentials is not echoed
     */
    static String url(String text) {
        String rest = text.substring(7);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        if (authority.contains("@"))
            throw new Invalid("source", "rtsp://...@" + authority.substring(authority.lastIndexOf('@') + 1)
                    + (slash < 0 ? "" : rest.substring(slash)), "a URL without user:password@: " + CREDENTIALS_HINT);
        Matcher m = URL.matcher(text);
        if (!text.startsWith("rtsp://") || !m.matches()) throw new Invalid("source", text, URL_ALLOWED);
        String host = m.group(1);
        if (host.startsWith("[") ? !SettingsGrammar.isIpv6(host.substring(1, host.length() - 1))
                : !SettingsGrammar.isIpv4(host) && !SettingsGrammar.isDnsName(host))
            throw new Invalid("source", text, URL_ALLOWED);
        if (m.group(2) != null) {
            int port = Integer.parseInt(m.group(2));
            if (port < 1 || port > 65535) throw new Invalid("source", text, URL_ALLOWED + "; PORT 1 to 65535");
        }
        if (text.contains("..")) throw new Invalid("source", text, URL_ALLOWED + "; no '..'");
        return text;
    }

    static String user(String text) {
        if (text == null || !USER.matcher(text).matches()) throw new Invalid("source-user", text, USER_ALLOWED);
        return text;
    }

    /** Never echoes the value: an error names only its length. */
    static String password(String text) {
        if (text == null || !PASSWORD.matcher(text).matches())
            throw new Invalid("source-password", text == null ? null : "(" + text.length() + " characters, not shown)",
                    PASSWORD_ALLOWED);
        return text;
    }

    static Transport transport(String text) {
        for (Transport t : Transport.values()) if (t.text().equals(text)) return t;
        throw new Invalid("source-transport", text, TRANSPORT_ALLOWED);
    }
}
