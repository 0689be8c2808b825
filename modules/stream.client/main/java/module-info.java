/**
 * Defines the stream client: the interactive menu (1 start, 2 stop, 3 view, 4 status, q quit;
 * with several streams on the server, a choice of stream) and one-shot commands for scripts
 * ({@code stream-client start|stop|status|view|list}, each with {@code --stream NAME}), talking to
 * the stream server's {@code /control} and {@code /streams} API and showing a stream in-process
 * with {@link stream.viewer.Viewer}.
 *
 * <p>Programs use {@link stream.client.ControlClient} from the exported package
 * {@link stream.client}; the command line lives in an unexported package.
 *
 * @since 0.1
 */
module stream.client {
    requires com.eclipsesource.json;
    requires java.net.http;
    requires stream.viewer;

    exports stream.client;
}
