package stream.viewer.internal.rtsp;

/**
 * The RTSP gateway's command line, parsed.
 * @param port the RTSP port to listen on (0: an ephemeral one, reported in the ready event)
 * @param address the address to listen on
 */
record RtspOptions(int port, String address) {
    static final int DEFAULT_PORT = 8554;
    static final String DEFAULT_ADDRESS = "0.0.0.0";

    static final String USAGE = """
            Usage: java -m stream.viewer/stream.viewer.internal.rtsp.RtspGateway [options]
            The RTSP gateway of stream-server: serves every stream at rtsp://HOST:PORT/NAME (GStreamer's
            RTSP server). JSON requests on stdin, one per line, answers on stdout; logs on stderr.
            It ends when stdin closes. Started by the server, not by hand.

            Options:
              --port N          the RTSP port (default 8554; 0 = any free port, reported when ready)
              --address ADDRESS the address to listen on (default 0.0.0.0: every IPv4 address)
              --help            this text
            """;

    /** @throws IllegalArgumentException naming the bad option */
    static RtspOptions parse(String[] args) {
        int port = DEFAULT_PORT;
        String address = DEFAULT_ADDRESS;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.equals("--port") && !name.equals("--address")) {
                throw new IllegalArgumentException("unknown option '" + name + "'");
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(name + " needs a value");
            String value = args[++i];
            if (name.equals("--port")) {
                try {
                    port = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 0 || port > 65535) {
                    throw new IllegalArgumentException("--port must be a whole number from 0 to 65535, not '" + value + "'");
                }
            } else {
                if (!value.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
                    throw new IllegalArgumentException("--address must be an IP address, not '" + value + "'");
                }
                address = value;
            }
        }
        return new RtspOptions(port, address);
    }
}
