package stream.server.internal.settings;

import java.util.List;
import stream.server.internal.settings.SettingsGrammar.Invalid;

/** The grammar of the {@code encoder} setting: auto, x264, or a hardware H.264 encoder GStreamer names. */
public final class EncoderGrammar {
    private EncoderGrammar() {}

    /** The hardware encoders, in the order auto tries them: V4L2 M2M (Raspberry Pi), VA-API (new, old), NVIDIA, Intel QSV. */
    public static final List<String> HARDWARE = List.of("v4l2h264enc", "vah264enc", "vaapih264enc", "nvh264enc", "qsvh264enc");

    static final String ALLOWED = "auto, x264 or one of " + String.join(", ", HARDWARE);

    static String encoder(String text) {
        if (text != null && (text.equals("auto") || text.equals("x264") || HARDWARE.contains(text))) return text;
        throw new Invalid("encoder", text, ALLOWED);
    }
}
