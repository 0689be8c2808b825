package stream.server.internal.settings;

import java.util.regex.Pattern;
import stream.server.internal.settings.SettingsGrammar.Invalid;

/**
 * The grammar of the {@code audio} setting: {@code none}, {@code test}, {@code auto}, {@code camera}
 * (an IP camera's own sound track, for an {@code rtsp://} source only), an ALSA
 * capture device {@code hw:C[,D]} / {@code plughw:C[,D]}, or {@code pulse:SOURCE}. Only letters,
 * digits and {@code _ . : @ , -} reach the pipeline, one property value. Whether the device is
 * there is checked where a request names it ({@code sources.AudioSource#requireHere}).
 */
public final class AudioGrammar {
    private AudioGrammar() {}

    /** An ALSA PCM by card and device number: group 2 the card, group 4 the device. */
    public static final Pattern ALSA_NAME = Pattern.compile("(plug)?hw:([0-9]{1,2})(,([0-9]{1,2}))?");
    /** A PulseAudio (or PipeWire-Pulse) source: group 1 its name. */
    public static final Pattern PULSE_NAME = Pattern.compile("pulse:([A-Za-z0-9_.:@-]{1,200})");

    /** Every value the grammar accepts. */
    public static final Pattern ALLOWED_PATTERN = Pattern.compile("none|test|auto|camera|" + ALSA_NAME.pattern() + "|" + PULSE_NAME.pattern());

    /** What the setting accepts, as errors say it. */
    public static final String ALLOWED = "none, test, auto, camera (an rtsp:// camera's own sound), an ALSA capture device hw:CARD[,DEV] or plughw:CARD[,DEV]"
            + " (arecord -l), or pulse:SOURCE (pactl list short sources)";

    /**
     * @param text the value
     * @return it, when the grammar allows it
     * @throws Invalid naming it and what is allowed
     */
    static String audio(String text) {
        if (text != null && ALLOWED_PATTERN.matcher(text).matches()) return text;
        throw new Invalid("audio", text, ALLOWED);
    }
}
