/**
 * The camera relay: a child of the server that passes an IP camera's H.264 through, from RTSP to
 * the stream's RTP destinations and the server's loopback tap, without decoding it. Its own
 * process, like gst-launch-1.0 for a local camera, but Java, so that the camera's credentials
 * arrive on stdin and become rtspsrc properties instead of command-line arguments.
 */
package stream.viewer.internal.camera;
