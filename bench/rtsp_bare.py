#!/usr/bin/python3
# The RTSP phase's counterpart (bench/README.md, "RTSP"): GStreamer's RTSP server library run bare
# from a minimal program, nothing of ours in it. One shared media factory at /main with the same
# launch line as our RTSP process's mounts (stream.viewer's rtsp.Mount): the stream's RTP from a
# loopback UDP port, depayloaded, parsed and payloaded again, never decoded.
#
# Usage: /usr/bin/python3 bench/rtsp_bare.py RTSP_PORT UDP_PORT
# (Debian's python3-gi and gir1.2-gst-rtsp-server-1.0.) Prints "ready PORT" once it listens on
# 127.0.0.1; runs until killed or until its stdin closes.
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

CAPS = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96"


def main():
    if len(sys.argv) != 3:
        print("usage: rtsp_bare.py RTSP_PORT UDP_PORT", file=sys.stderr)
        return 2
    rtsp_port, udp_port = int(sys.argv[1]), int(sys.argv[2])
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(rtsp_port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        '( udpsrc name=src port=%d address=127.0.0.1 caps="%s" '
        "! rtph264depay ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )" % (udp_port, CAPS))
    factory.set_shared(True)
    factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP | GstRtsp.RTSPLowerTrans.UDP)
    server.get_mount_points().add_factory("/main", factory)
    if server.attach(None) == 0:
        print("rtsp_bare: cannot listen on 127.0.0.1 port %d" % rtsp_port, file=sys.stderr)
        return 1
    loop = GLib.MainLoop()
    # stdin closed (the bench ended): stop
    GLib.io_add_watch(GLib.IOChannel.unix_new(sys.stdin.fileno()), GLib.PRIORITY_DEFAULT,
                      GLib.IOCondition.HUP | GLib.IOCondition.IN, lambda *a: loop.quit() or False)
    print("ready %d" % server.get_bound_port(), flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
