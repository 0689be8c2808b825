/**
 * The RTSP gateway: every stream of one server at {@code rtsp://HOST:PORT/NAME}, for NVRs (Frigate)
 * and players. A process of its own, started by the server as
 * {@code bin/java --enable-native-access=com.sun.jna -m stream.viewer/stream.viewer.internal.rtsp.RtspGateway
 * --port 8554 --address ADDRESS}; the RTSP protocol is GStreamer's RTSP server library
 * (libgstrtspserver-1.0) through JNA ({@link stream.viewer.internal.rtsp.RtspLib}), owned by
 * {@link stream.viewer.internal.rtsp.RtspServer}. None of the protocol is ours.
 *
 * <p>Data: the server forwards each stream's RTP/H.264 (payload 96, as the sender makes it) to a
 * loopback UDP port the gateway names. A shared media factory per stream
 * ({@code udpsrc ! rtph264depay ! h264parse ! rtph264pay name=pay0 config-interval=1}) serves all of
 * its clients from one pipeline; nothing is decoded. Transports: RTP interleaved on the RTSP TCP
 * connection, UDP unicast, and UDP multicast for a stream added with a group.
 *
 * <p>Control: one JSON object per line on stdin, answered by one line on stdout with the same id.
 * <pre>
 * {"id":1,"op":"addStream","name":"main"}                        {"id":1,"rtpPort":20342}
 * {"id":2,"op":"addStream","name":"lan","multicast":"239.255.0.9","ttl":1}   {"id":2,"rtpPort":…}
 * {"id":3,"op":"addStream","name":"mic","audio":true}   {"id":3,"rtpPort":…,"audioPort":…}  (Opus as pay1)
 * {"id":3,"op":"endStream","name":"main"}                        {"id":3,"ended":"main","disconnected":0}
 * {"id":4,"op":"removeStream","name":"main"}                     {"id":4,"removed":"main"}
 * {"id":5,"op":"auth","users":[{"user":"u","password":"p"}],"basic":false}   {"id":5,"users":1,"basic":false}
 *   (a user may carry "streams":["cam-a"]: it then plays those mounts only; without, every mount)
 * {"id":6,"op":"stats"}   {"id":6,"streams":{"main":{"clients":2,"rtpPort":…,"payloadBytes":…}},"port":8554}
 * refusals:               {"id":1,"error":"…","status":400,"hint":"…"}
 * events (no id):         {"event":"ready","pid":…,"port":8554}
 * </pre>
 * {@code clients} counts RTSP sessions (one per player) on the mount; {@code payloadBytes} is the RTP
 * (headers included) the stream's shared payloader made while it had clients: each client is sent a
 * copy. End of stdin ends the gateway. Logs go to stderr; passwords arrive only on stdin and are
 * never logged.
 */
package stream.viewer.internal.rtsp;
