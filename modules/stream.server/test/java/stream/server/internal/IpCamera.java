package stream.server.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in IP camera nobody here wrote the server of: GStreamer's RTSP server library run by
 * Debian's {@code /usr/bin/python3} (python3-gi, gir1.2-gst-rtsp-server-1.0; not a pyenv python,
 * which lacks gi), a live 320x240@15 test pattern at rtsp://127.0.0.1:PORT/cam, H.264 or H.265,
 * with an 880 Hz tone in AAC or G.711 or no sound, with Basic or Digest authentication or none. It counts the connections made to it (each attempt
 * of a client), can be frozen (SIGSTOP), killed and started again on the same port.
 */
final class IpCamera implements AutoCloseable {
    static final String PYTHON = "/usr/bin/python3";
    private static final String SCRIPT = """
# A stand-in IP camera for tests: GStreamer's RTSP server library (Debian python3-gi +
# gir1.2-gst-rtsp-server-1.0), a live test pattern at rtsp://127.0.0.1:PORT/cam, H.264 or H.265,
# optionally with Basic or Digest authentication. Prints "port N" once listening and
# "client" for every connection (each attempt of a client), flushed.
# usage: /usr/bin/python3 camera.py PORT USER|- PASSWORD|- h264|h265[+aac|+pcma] [basic|digest]
import sys
import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
gi.require_version('GstRtsp', '1.0')
from gi.repository import Gst, GstRtsp, GstRtspServer, GLib

Gst.init(None)
port, user, password, codec = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(port)
video, _, sound = codec.partition('+')
if video == 'h264':
    enc = ('x264enc tune=zerolatency speed-preset=ultrafast key-int-max=15 ! video/x-h264,profile=constrained-baseline'
           ' ! rtph264pay name=pay0 pt=96 config-interval=1')
else:
    enc = 'x265enc tune=zerolatency speed-preset=ultrafast key-int-max=15 ! rtph265pay name=pay0 pt=96 config-interval=1'
# its sound, when asked: a steady 880 Hz sine, AAC (RFC 3640) or G.711 A-law
tone = 'audiotestsrc is-live=true wave=sine freq=880 volume=0.5 ! audioconvert ! audioresample ! '
if sound == 'aac':
    enc += ' ' + tone + 'audio/x-raw,rate=48000,channels=2 ! avenc_aac ! rtpmp4gpay name=pay1 pt=97'
elif sound == 'pcma':
    enc += ' ' + tone + 'audio/x-raw,rate=8000,channels=1 ! alawenc ! rtppcmapay name=pay1 pt=8'
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch('( videotestsrc is-live=true pattern=ball ! video/x-raw,width=320,height=240,framerate=15/1,format=I420 ! '
                   + enc + ' )')
factory.set_shared(True)
if user != '-':
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string('media.factory.role', 'camera-user')
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
    auth.add_digest(user, password, token)
    # one method at a time (the binding takes no combination): Basic, or Digest when asked
    if len(sys.argv) > 5 and sys.argv[5] == 'digest':
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    server.set_auth(auth)
    permissions = GstRtspServer.RTSPPermissions()
    permissions.add_role_from_structure(Gst.Structure.new_from_string(
        'camera-user, media.factory.access=(boolean)true, media.factory.construct=(boolean)true'))
    factory.set_permissions(permissions)
server.get_mount_points().add_factory('/cam', factory)
server.connect('client-connected', lambda s, c: print('client', flush=True))
if server.attach(None) == 0:
    print('cannot listen on port', port, file=sys.stderr)
    sys.exit(1)
print('port', server.get_bound_port(), flush=True)
GLib.MainLoop().run()
""";

    private final Path dir;
    private final List<String> prefix;
    private final List<String> args; // user, password, codec, auth method
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Process process;
    private volatile int port;

    /**
     * Starts a camera on a free port.
     * @param dir where its script goes
     * @param user the user it asks for, or null for no authentication
     * @param password its password
     * @param codec h264 or h265, with +aac or +pcma for an 880 Hz tone as its sound
     * @param method basic or digest
     */
    IpCamera(Path dir, String user, String password, String codec, String method) throws IOException {
        this(List.of(), dir, user, password, codec, method);
    }

    /**
     * Starts a camera on a free port of a network namespace.
     * @param prefix the command prefix that runs it there (NetNs#prefix), or empty for here
     */
    IpCamera(List<String> prefix, Path dir, String user, String password, String codec, String method) throws IOException {
        this.prefix = List.copyOf(prefix);
        this.dir = dir;
        Files.writeString(dir.resolve("camera.py"), SCRIPT);
        this.args = List.of(user == null ? "-" : user, password == null ? "-" : password, codec, method);
        start(0);
    }

    /** @return the URL of its stream */
    String url() {
        return "rtsp://127.0.0.1:" + port + "/cam";
    }

    /** @return connections clients made to it since it was first started */
    int connections() {
        return connections.get();
    }

    /** @return its process */
    Process process() {
        return process;
    }

    /** Starts it (again): on the port it had, or a free one for 0; returns once it listens. */
    void start(int wanted) throws IOException {
        var cmd = new java.util.ArrayList<>(prefix);
        cmd.addAll(List.of(PYTHON, dir.resolve("camera.py").toString(), Integer.toString(wanted)));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("camera.err").toFile()).start();
        process = p;
        AtomicInteger bound = new AtomicInteger();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("port ")) bound.set(Integer.parseInt(line.substring(5).trim()));
                    else if (line.equals("client")) connections.incrementAndGet();
                }
            } catch (IOException e) {
                // camera gone
            }
        });
        TestSupport.waitUntil("the camera (python3 + GstRtspServer) listens; its stderr: " + dir.resolve("camera.err"),
                Duration.ofSeconds(30), () -> bound.get() > 0 || !p.isAlive());
        if (bound.get() == 0) {
            String err;
            try {
                err = Files.readString(dir.resolve("camera.err"));
            } catch (IOException e) {
                err = e.toString();
            }
            fail("the camera did not start: " + err);
        }
        port = bound.get();
    }

    /** Starts it again on its port, after {@link #kill()}. */
    void restart() throws IOException {
        start(port);
    }

    /** SIGKILL, and waits until it is gone. */
    void kill() {
        TestSupport.killTree(process.toHandle());
    }

    /** SIGSTOP or SIGCONT: a camera that hangs, its connections open. */
    void freeze(boolean frozen) throws IOException, InterruptedException {
        new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() {
        try {
            freeze(false);
        } catch (IOException | InterruptedException e) {
            // killed below anyway
        }
        kill();
    }
}
