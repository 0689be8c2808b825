/**
 * The camera relay: a child of the server that passes an IP camera's H.264 or H.265 through, from
 * RTSP to the stream's RTP destinations and the server's loopback tap, without decoding it (and,
 * when asked, the camera's sound as Opus); it asks a camera that went away again by itself. Its own
 * process, like gst-launch-1.0 for a local camera, but Java, so that the camera's credentials
 * arrive on stdin and become rtspsrc properties instead of command-line arguments.
 */
package stream.viewer.internal.camera;
