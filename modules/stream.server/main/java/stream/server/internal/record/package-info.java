/**
 * Recording, clips with pre-roll and snapshots of a stream (issue 11), fed by the stream's
 * {@link stream.server.internal.rtp.RtpTap} through a packet listener; nothing here touches the
 * stream's own child, so turning any of it on or off never interrupts the live stream.
 *
 * <p>{@link stream.server.internal.record.StreamCapture} is the one object per stream: it groups
 * packets into access units ({@link stream.server.internal.record.AccessUnitAssembler}), keeps the
 * recent past in memory ({@link stream.server.internal.record.PreRoll}), and drives continuous
 * recording ({@link stream.server.internal.record.Recorder}), clips
 * ({@link stream.server.internal.record.Clips}) and snapshots
 * ({@link stream.server.internal.record.Snapshots}). Every MP4 is written by a gst-launch-1.0 child
 * ({@link stream.server.internal.record.Mp4Writer}) that gets RTP on its standard input and writes
 * fragmented MP4 without a second encode. Files are named only by
 * {@link stream.server.internal.record.MediaName} and reached only through a
 * {@link stream.server.internal.record.Catalog}; {@link stream.server.internal.record.StreamMediaRoutes}
 * and {@link stream.server.internal.record.MediaFiles} give the HTTP answers for
 * {@code /streams/{name}/recordings}, {@code /clips} and {@code /snapshot.jpg}.
 */
package stream.server.internal.record;
