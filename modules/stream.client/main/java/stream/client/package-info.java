/**
 * Talks to stream-server's {@code /control} and {@code /streams} API: {@link stream.client.ControlClient}
 * starts, stops and asks for the status of the default stream or of a named one, and lists the
 * streams, answering with a {@link stream.client.ControlResponse} or failing with a
 * {@link stream.client.ControlException} of a known kind and one readable line.
 */
package stream.client;
