package stream.server.internal.sources;

import stream.server.internal.process.ChildEnvironment;
import stream.server.internal.settings.AudioGrammar;
import stream.server.internal.settings.InvalidValueException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a stream's {@code audio} setting captures: nothing, the test tone, the system's default
 * microphone, or a named device, as gst-launch-1.0 arguments up to the raw audio.
 *
 * <p>Device names: an ALSA PCM {@code hw:C[,D]} or {@code plughw:C[,D]} (card and device numbers,
 * as {@code arecord -l} lists them; checked in {@code /proc/asound/pcm}), or {@code pulse:NAME}, a
 * PulseAudio/PipeWire source as {@code pactl list short sources} lists it. {@code auto} takes
 * PulseAudio's default source when a server answers, else ALSA's default capture device.
 *
 * <p>The test tone: {@code audiotestsrc wave=ticks} plays {@value #TONE_HZ} Hz for
 * {@value #BEEP_MILLIS} ms at the start of every second of the pipeline's running time, the
 * moments the test pattern's flash turns white (the flash is made where the pipeline is, in the supervisor's StreamPlan).
 *
 * @param kind what it is
 * @param device the device for pulsesrc or alsasrc, or null for the default one
 */
public record AudioSource(Kind kind, String device) {
    /** The frequency of the test tone, Hz. */
    public static final int TONE_HZ = 1000;
    /** How long each beep of the test tone lasts, ms. */
    public static final int BEEP_MILLIS = 200;

    /** The kinds of audio source. */
    public enum Kind { NONE, TEST, PULSE, ALSA }

    private static final Pattern ALSA_NAME = AudioGrammar.ALSA_NAME;
    private static final Pattern PULSE_NAME = AudioGrammar.PULSE_NAME;
    private static final Path PROC_PCM = Path.of("/proc/asound/pcm");

    /**
     * Resolves a value that passed the grammar ({@link AudioGrammar}), without refusing a device that is missing now
     * (a stored definition keeps its microphone; the child then fails naming it).
     * @param value the setting
     * @return the source
     */
    public static AudioSource resolve(String value) {
        // camera: an IP camera's own track, which the camera relay carries (RtspCamera); no capture here
        if (value == null || value.equals("none") || value.equals("camera")) return new AudioSource(Kind.NONE, null);
        if (value.equals("test")) return new AudioSource(Kind.TEST, null);
        if (value.equals("auto")) return pulseAnswers() ? new AudioSource(Kind.PULSE, null) : new AudioSource(Kind.ALSA, null);
        Matcher p = PULSE_NAME.matcher(value);
        if (p.matches()) return new AudioSource(Kind.PULSE, p.group(1));
        return new AudioSource(Kind.ALSA, value);
    }

    /**
     * Checks that the device a request names is here now, and that GStreamer has its element.
     * @param value the setting (passed the grammar)
     * @throws InvalidValueException naming the device and what is here
     */
    public static void requireHere(String value) {
        AudioSource a = resolve(value);
        switch (a.kind) {
            case NONE, TEST -> { }
            case PULSE -> {
                List<String> sources = pulseSources();
                if (value.equals("auto") || sources.contains(a.device)) requireElement(value, "pulsesrc", "gstreamer1.0-pulseaudio");
                else throw new InvalidValueException("audio", value, "no such PulseAudio source; " + here());
            }
            case ALSA -> {
                List<String> pcms = alsaCapture();
                if (value.equals("auto")) {
                    if (pcms.isEmpty()) throw new InvalidValueException("audio", value,
                            "no microphone found: no PulseAudio server answers (pactl) and /proc/asound/pcm lists no capture"
                                    + " device; use audio test or none");
                } else {
                    Matcher m = ALSA_NAME.matcher(value);
                    if (!m.matches()) throw new InvalidValueException("audio", value, AudioGrammar.ALLOWED);
                    String id = String.format("%02d-%02d", Integer.parseInt(m.group(2)), m.group(4) == null ? 0 : Integer.parseInt(m.group(4)));
                    if (!pcms.contains(id)) throw new InvalidValueException("audio", value, "no such ALSA capture device; " + here());
                }
                requireElement(value, "alsasrc", "gstreamer1.0-alsa");
            }
        }
    }

    /** @return the gst-launch-1.0 arguments of the source, up to raw audio; empty for none */
    public List<String> arguments() {
        return switch (kind) {
            case NONE -> List.of();
            // 5 ms blocks at 48 kHz: a tick begins within a few ms of its second (measured in the tone's
            // own timestamps against the flash's: 1024-sample blocks at audiotestsrc's default 44.1 kHz put
            // every beep 20 ms ahead of its flash), and Opus takes 48 kHz without resampling.
            case TEST -> List.of("audiotestsrc", "is-live=true", "wave=ticks", "freq=" + TONE_HZ,
                    "sine-periods-per-tick=" + TONE_HZ * BEEP_MILLIS / 1000, "volume=0.5", "samplesperbuffer=240",
                    "!", "audio/x-raw,rate=48000");
            case PULSE -> device == null ? List.of("pulsesrc") : List.of("pulsesrc", "device=" + device);
            case ALSA -> device == null ? List.of("alsasrc") : List.of("alsasrc", "device=" + device);
        };
    }

    /**
     * A microphone is captured by a child of its own ({@link #captureArguments}), never in the
     * stream's pipeline: a device that disappears ends that child only, and the stream's pipeline
     * ({@link #receiveArguments}) goes on with silence in its place. The test tone is made in the
     * stream's pipeline, on its clock.
     * @return whether this source is captured apart
     */
    public boolean capturedApart() {
        return kind == Kind.PULSE || kind == Kind.ALSA;
    }

    /** The raw audio a microphone's child sends over loopback UDP: 10 ms per datagram at 48 kHz stereo. */
    public static final String RAW_CAPS = "audio/x-raw,format=S16LE,rate=48000,channels=2,layout=interleaved";

    /** The name of the capture child's network sink: its caps on stdout (gst-launch -v) mean the device delivers. */
    public static final String CAPTURE_SINK = "mic";

    /**
     * The capture child of a microphone: the device, as raw 48 kHz stereo, to the stream's pipeline
     * on 127.0.0.1:port (one datagram per 10 ms block).
     * @param gstLaunch the gst-launch-1.0 executable
     * @param port the loopback UDP port the stream's pipeline receives on
     * @return the command line, program first
     */
    public List<String> captureArguments(String gstLaunch, int port) {
        if (!capturedApart()) throw new IllegalStateException("no capture child for audio " + label());
        List<String> a = new ArrayList<>(List.of(gstLaunch, "-v"));
        a.addAll(arguments());
        a.add("latency-time=10000"); // 10 ms blocks, one datagram each
        a.addAll(List.of("!", "audioconvert", "!", "audioresample", "!", RAW_CAPS, "!",
                "udpsink", "name=" + CAPTURE_SINK, "host=127.0.0.1", "port=" + port, "sync=false"));
        return List.copyOf(a);
    }

    /**
     * The stream pipeline's side of a microphone, up to raw audio: what arrives on the loopback port,
     * stamped on arrival with the pipeline's clock, mixed with live silence, so that the sound goes on
     * (silent) while the device is gone and the microphone is heard again when it returns.
     * @param port the loopback UDP port
     * @return gst-launch-1.0 arguments
     */
    public static List<String> receiveArguments(int port) {
        return List.of("udpsrc", "address=127.0.0.1", "port=" + port, "do-timestamp=true", "caps=" + RAW_CAPS, "!", "queue", "!",
                "audiomixer", "name=mix", "latency=30000000", // waits at most 30 ms for the microphone's block
                "audiotestsrc", "is-live=true", "wave=silence", "samplesperbuffer=480", "!", RAW_CAPS, "!", "mix.", "mix.");
    }

    /** @return the setting as the status says it: "test", "pulse:NAME", "hw:1,0", "the default PulseAudio source"... */
    public String label() {
        return switch (kind) {
            case NONE -> "none";
            case TEST -> "test";
            case PULSE -> device == null ? "the default PulseAudio source" : "pulse:" + device;
            case ALSA -> device == null ? "the default ALSA capture device" : device;
        };
    }

    /** @return whether the stream has sound */
    public boolean any() {
        return kind != Kind.NONE;
    }

    private static String here() {
        List<String> found = new ArrayList<>();
        for (String pcm : alsaCapture()) {
            String[] cd = pcm.split("-");
            found.add("hw:" + Integer.parseInt(cd[0]) + "," + Integer.parseInt(cd[1]));
        }
        for (String s : pulseSources()) found.add("pulse:" + s);
        return found.isEmpty() ? "no capture device is here (no ALSA capture PCM, no PulseAudio source); use audio test or none"
                : "capture devices here: " + String.join(", ", found);
    }

    /** @return the capture PCMs of /proc/asound/pcm as "CC-DD" */
    static List<String> alsaCapture() {
        List<String> ids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(PROC_PCM))
                if (line.contains("capture") && line.length() >= 5) ids.add(line.substring(0, 5));
        } catch (IOException e) {
            // no ALSA in this kernel or container: no device
        }
        return ids;
    }

    private static boolean pulseAnswers() {
        return run("pactl", "info").isPresent();
    }

    private static List<String> pulseSources() {
        List<String> names = new ArrayList<>();
        run("pactl", "list", "short", "sources").ifPresent(out -> {
            for (String line : out.split("\n")) {
                String[] f = line.split("\t");
                if (f.length > 1 && !f[1].endsWith(".monitor")) names.add(f[1]);
            }
        });
        return names;
    }

    private static void requireElement(String value, String element, String pkg) {
        Optional<String> inspect = Executables.find("gst-inspect-1.0");
        if (inspect.isPresent() && run(inspect.get(), "--exists", element).isEmpty())
            throw new InvalidValueException("audio", value, "GStreamer has no " + element + " here (install " + pkg + ")");
    }

    // The output of a short command that exited 0, or empty (missing, failed or slower than 3 s).
    private static Optional<String> run(String... command) {
        Optional<String> exe = command[0].startsWith("/") ? Optional.of(command[0]) : Executables.find(command[0]);
        if (exe.isEmpty()) return Optional.empty();
        command[0] = exe.get();
        try {
            Process p = ChildEnvironment.builder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readNBytes(1 << 16);
            }
            if (!p.waitFor(3, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
