/**
 * Defines the stream client: the interactive menu (1 start, 2 stop, 3 view, 4 status)
 * and one-shot commands for scripts, talking to the stream server's /control API.
 *
 * @since 0.1
 */
module stream.client {
    requires com.eclipsesource.json;
    requires java.net.http;
    requires stream.viewer;

    exports stream.client;
}
