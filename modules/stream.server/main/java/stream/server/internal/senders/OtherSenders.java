package stream.server.internal.senders;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import stream.server.internal.settings.SettingsGrammar.Endpoint;

/**
 * Other programs on this machine that send UDP to where a stream sends: what can be told honestly
 * from outside them. A UDP sender leaves no trace the kernel shows (its socket is unconnected),
 * so this reads the command lines of the processes of this machine (/proc/PID/cmdline) and finds
 * those that name the same destination: a {@code gst-launch-1.0 ... udpsink host=H port=P} (or
 * {@code multiudpsink clients=H:P}), or an ffmpeg output {@code udp://H:P} or {@code rtp://H:P}.
 * A program that takes its destination from elsewhere (a configuration file, a GUI) is not seen.
 */
public final class OtherSenders {
    private static final Pattern URL = Pattern.compile("(?:udp|rtp)://(\\[[^\\]]+\\]|[^:/?\\s]+):(\\d+)");

    private OtherSenders() {}

    /** A process that sends where the stream sends. */
    public record Sender(long pid, String command, String destination) {}

    /** @param pid a process, @param argv its command line */
    record Process(long pid, List<String> argv) {}

    /**
     * @param processes the processes to look at
     * @param destination where the stream sends
     * @param local whether a host is this machine (loopback, an own address, localhost)
     * @return the processes whose command line sends to the destination
     */
    static List<Sender> find(List<Process> processes, Endpoint destination, java.util.function.Predicate<String> local) {
        List<Sender> found = new ArrayList<>();
        for (Process p : processes) {
            for (String[] hp : destinations(p.argv())) {
                if (Integer.parseInt(hp[1]) == destination.port() && sameHost(hp[0], destination.host(), local)) {
                    found.add(new Sender(p.pid(), shorten(String.join(" ", p.argv())), hp[0] + ":" + hp[1]));
                    break;
                }
            }
        }
        return found;
    }

    private static boolean sameHost(String a, String b, java.util.function.Predicate<String> local) {
        String x = a.replaceAll("^\\[|\\]$", "").toLowerCase(Locale.ROOT);
        String y = b.replaceAll("^\\[|\\]$", "").toLowerCase(Locale.ROOT);
        return x.equals(y) || local.test(x) && local.test(y);
    }

    /** @return (host, port) of every UDP destination the command line names */
    static List<String[]> destinations(List<String> argv) {
        List<String[]> out = new ArrayList<>();
        boolean launch = !argv.isEmpty() && argv.get(0).endsWith("gst-launch-1.0");
        String element = null;
        String host = null;
        String port = null;
        // A pipeline may come as one quoted argument: look at its words.
        List<String> words = launch ? List.of(String.join(" ", argv).trim().split("\\s+")) : argv;
        boolean ffmpeg = !argv.isEmpty() && Path.of(argv.get(0)).getFileName().toString().equals("ffmpeg");
        for (int i = 0; i < words.size(); i++) {
            String arg = words.get(i);
            // ffmpeg's outputs only: "-i udp://..." is a receiver, as ffplay and VLC mostly are.
            Matcher url = URL.matcher(arg);
            while (ffmpeg && (i == 0 || !words.get(i - 1).equals("-i")) && url.find()) out.add(new String[] {url.group(1), url.group(2)});
            if (!launch) continue;
            if (arg.equals("!")) {
                if ("udpsink".equals(element)) out.add(new String[] {host == null ? "localhost" : host, port == null ? "5004" : port});
                element = null;
                host = null;
                port = null;
            } else if (element == null && !arg.contains("=")) {
                element = arg;
            } else if (arg.startsWith("host=")) {
                host = arg.substring(5);
            } else if (arg.startsWith("port=")) {
                port = arg.substring(5);
            } else if (arg.startsWith("clients=") && "multiudpsink".equals(element)) {
                for (String c : arg.substring(8).split(",")) {
                    int colon = c.lastIndexOf(':');
                    if (colon > 0) out.add(new String[] {c.substring(0, colon), c.substring(colon + 1)});
                }
            }
        }
        if ("udpsink".equals(element)) out.add(new String[] {host == null ? "localhost" : host, port == null ? "5004" : port});
        out.removeIf(hp -> !hp[1].matches("\\d{1,5}"));
        return out;
    }

    private static String shorten(String command) {
        return command.length() <= 160 ? command : command.substring(0, 157) + "...";
    }

    /**
     * @param destination where the stream sends
     * @param ours processes to leave out (this server and its children)
     * @return the other processes of this machine that send there (Linux; elsewhere none)
     */
    public static List<Sender> onThisMachine(Endpoint destination, Set<Long> ours) {
        List<Process> processes = new ArrayList<>();
        Path proc = Path.of("/proc");
        if (!Files.isDirectory(proc)) return List.of();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path d : dirs) {
                long pid = Long.parseLong(d.getFileName().toString());
                if (ours.contains(pid)) continue;
                try {
                    byte[] raw = Files.readAllBytes(d.resolve("cmdline"));
                    if (raw.length == 0) continue;
                    List<String> argv = List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
                    processes.add(new Process(pid, argv));
                } catch (IOException | SecurityException e) {
                    // gone, or not ours to read
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return find(processes, destination, OtherSenders::isLocal);
    }

    private static final Set<String> OWN = ownAddresses();

    private static Set<String> ownAddresses() {
        Set<String> own = new HashSet<>();
        try {
            NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                    .forEach(a -> own.add(a.getHostAddress().replaceAll("%.*", "").toLowerCase(Locale.ROOT)));
        } catch (SocketException e) {
            // loopback alone
        }
        return own;
    }

    /** @return whether the host is this machine: loopback, the wildcard, localhost or one of its addresses */
    static boolean isLocal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.equals("0.0.0.0") || h.equals("::") || h.equals("::1") || h.startsWith("127.")) return true;
        if (OWN.contains(h)) return true;
        try {
            return h.matches("[0-9.]+|[0-9a-f:]+") && InetAddress.getByName(h).isLoopbackAddress();
        } catch (IOException e) {
            return false;
        }
    }
}
