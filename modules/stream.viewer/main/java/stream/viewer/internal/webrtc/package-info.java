/**
 * The WebRTC gateway: browsers (and {@code stream-viewer --whep}) watch the server's streams over
 * WHEP through it. It runs as a process of its own, started by the server
 * ({@code stream.server.internal.webrtc.WebRtcGateway}) as
 * {@code bin/java --enable-native-access=com.sun.jna -m stream.viewer/stream.viewer.internal.webrtc.Gateway},
 * so a native crash in GStreamer or libnice leaves the server answering, and the server never loads JNA.
 *
 * <p>Data: each stream's RTP/H.264 (payload 96, as the sender makes it) arrives on a loopback UDP
 * port the gateway binds ({@link stream.viewer.internal.webrtc.StreamInput}:
 * {@code udpsrc ! rtpsession ! rtph264depay ! h264parse ! tee}); each viewer is a tee branch
 * ({@link stream.viewer.internal.webrtc.ViewerBranch}:
 * {@code queue leaky=downstream ! rtph264pay pt=<the offer's H.264> ! webrtcbin}). Nothing is decoded.
 * Keyframes on request: the rtpsession's RTCP goes to the port the server names for the stream's
 * child ({@code keyframes}); a viewer's first packet, a browser's PLI and the parser's own request
 * become a PLI there ({@link stream.viewer.internal.webrtc.KeyframeRequests}, at most one per 300 ms
 * per stream), and the child's encoder answers with a keyframe.
 *
 * <p>Control: one JSON object per line on stdin, answered by one line on stdout with the same id.
 * <pre>
 * {"id":1,"op":"addStream","name":"main"}            {"id":1,"rtpPort":40123}
 * {"id":2,"op":"offer","stream":"main","sdp":"v=0…"}  {"id":2,"viewer":"UUID","sdp":"v=0…answer"}
 * {"id":3,"op":"delete","viewer":"UUID"}              {"id":3,"deleted":"UUID"}
 * {"id":4,"op":"removeStream","name":"main"}          {"id":4,"removed":"main"}
 * {"id":5,"op":"stats"}                                {"id":5,"streams":{"main":{"rtpPort":…,"packets":…,"keyframeRequests":…,"viewers":…}},"viewers":…,"maxViewers":…}
 * {"id":6,"op":"keyframes","name":"main","port":41000} {"id":6,"keyframes":"main","port":41000}  (0: nowhere)
 * refusals:                                            {"id":2,"error":"…","status":503,"hint":"…"}
 * events (no id):                                      {"event":"ready","pid":…} {"event":"viewerRemoved","viewer":…,"stream":…,"reason":…}
 * </pre>
 * End of stdin ends the gateway. Logs go to stderr.
 *
 * <p>Safety: every ICE agent has UPnP off (Debian's libnice turns it on), ICE-TCP off, no STUN or
 * TURN server unless {@code --stun-server} is given, and host candidates only on the
 * {@code --ice-address} list when one is given. A viewer whose browser sends nothing for
 * {@code --idle-timeout} seconds (5; a watching browser sends RTCP every second or so) is removed,
 * as is one that never connects within 15 s; libnice's consent freshness is off, so the connection
 * state alone would never tell.
 */
package stream.viewer.internal.webrtc;
