#!/usr/bin/python3
# A stand-in IP camera for bench/run.sh --only camera: GStreamer's RTSP server library (Debian
# python3-gi + gir1.2-gst-rtsp-server-1.0), a live H.264 test pattern at rtsp://127.0.0.1:PORT/cam.
# Prints "port N" once listening.
# usage: /usr/bin/python3 bench/camera.py PORT CAPS   (CAPS: video/x-raw,width=W,height=H,framerate=F/1)
import sys
import gi
gi.require_version('Gst', '1.0')
gi.require_version('GstRtspServer', '1.0')
from gi.repository import Gst, GstRtspServer, GLib

Gst.init(None)
port, caps = sys.argv[1], sys.argv[2]
server = GstRtspServer.RTSPServer()
server.set_address('127.0.0.1')
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch('( videotestsrc is-live=true pattern=ball ! ' + caps + ',format=I420 ! x264enc tune=zerolatency '
                   'speed-preset=ultrafast key-int-max=30 ! video/x-h264,profile=constrained-baseline ! '
                   'rtph264pay name=pay0 pt=96 config-interval=1 )')
factory.set_shared(True)
server.get_mount_points().add_factory('/cam', factory)
if server.attach(None) == 0:
    print('cannot listen on port', port, file=sys.stderr)
    sys.exit(1)
print('port', server.get_bound_port(), flush=True)
GLib.MainLoop().run()
