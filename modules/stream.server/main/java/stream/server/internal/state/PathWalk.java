package stream.server.internal.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Walks a path one component at a time, without letting the kernel follow anything, and refuses
 * it when anything on the way could be changed by another user: a directory another user owns,
 * a directory others may write without the sticky bit (in a sticky one, as /tmp, they cannot
 * rename or delete what is not theirs), a symlink another user owns. Symlinks are followed by
 * hand, their targets walked the same way. What it returns is the real path: every component a
 * directory only this user or root can change, so it names the same directory for the server's
 * whole life.
 */
final class PathWalk {
    private static final int MAX_LINKS = 40; // as the kernel's ELOOP
    private static final int GROUP_OR_OTHERS_WRITE = 0022;
    private static final int STICKY = 01000;
    private static final int TYPE = 0170000, DIRECTORY = 0040000, SYMLINK = 0120000;

    private PathWalk() {}

    /**
     * @param abs an absolute, normalized path
     * @return its real path
     * @throws StateDir.UnsafeException naming the component and its owner or mode
     */
    static Path verify(Path abs) throws StateDir.UnsafeException {
        int me = uid();
        Path current = abs.getRoot();
        check(current, me, abs);
        Deque<String> todo = new ArrayDeque<>();
        for (Path name : abs) todo.addLast(name.toString());
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.pollFirst();
            if (name.isEmpty() || name.equals(".")) continue;
            if (name.equals("..")) {
                if (current.getParent() != null) current = current.getParent();
                continue;
            }
            Path next = current.resolve(name);
            Map<String, Object> a = attributes(next, abs);
            int mode = (Integer) a.get("mode");
            int owner = (Integer) a.get("uid");
            if ((mode & TYPE) == SYMLINK) {
                if (owner != me && owner != 0)
                    throw new StateDir.UnsafeException("state directory " + abs + " runs through the symbolic link " + next + " of user "
                            + name(next) + ", who could point it elsewhere: use a path of your own (or give the link's target)");
                if (++links > MAX_LINKS) throw new StateDir.UnsafeException("state directory " + abs + ": too many symbolic links");
                Path target;
                try {
                    target = Files.readSymbolicLink(next);
                } catch (IOException e) {
                    throw new StateDir.UnsafeException("cannot read the symbolic link " + next + ": " + StateDir.describe(e));
                }
                Deque<String> ahead = new ArrayDeque<>();
                for (Path part : target) ahead.addLast(part.toString());
                while (!ahead.isEmpty()) todo.addFirst(ahead.pollLast());
                if (target.isAbsolute()) current = target.getRoot();
                continue;
            }
            if ((mode & TYPE) != DIRECTORY) return abs; // not a directory: the caller's checks say so
            if (!todo.isEmpty()) check(next, me, abs); // the directory itself: the caller checks it, stricter

            current = next;
        }
        return current;
    }

    private static void check(Path dir, int me, Path abs) throws StateDir.UnsafeException {
        Map<String, Object> a = attributes(dir, abs);
        int mode = (Integer) a.get("mode");
        int owner = (Integer) a.get("uid");
        if (owner != me && owner != 0)
            throw new StateDir.UnsafeException("state directory " + abs + " runs through " + dir + ", which belongs to user " + name(dir)
                    + ", who could replace what is in it: use a path through directories of your own or root's");
        if ((mode & GROUP_OR_OTHERS_WRITE) != 0 && (mode & STICKY) == 0)
            throw new StateDir.UnsafeException("state directory " + abs + " runs through " + dir + ", which other users may write (mode "
                    + String.format("%04o", mode & 07777) + "), so they could replace what is in it: chmod go-w it, or use another path");
    }

    private static Map<String, Object> attributes(Path p, Path abs) throws StateDir.UnsafeException {
        try {
            return Files.readAttributes(p, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new StateDir.UnsafeException("cannot check " + p + " on the way to the state directory " + abs + ": " + StateDir.describe(e));
        }
    }

    private static String name(Path p) {
        try {
            return Files.getOwner(p, LinkOption.NOFOLLOW_LINKS).getName();
        } catch (IOException e) {
            return "?";
        }
    }

    /** @return this process's user id, as the kernel sees it (the owner of /proc/self) */
    private static int uid() throws StateDir.UnsafeException {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            try {
                // no /proc: a file made now is ours
                Path probe = Files.createTempFile("stream-server-uid", null);
                try {
                    return (Integer) Files.getAttribute(probe, "unix:uid");
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | RuntimeException e2) {
                throw new StateDir.UnsafeException("cannot tell this process's user id: " + e2.getMessage());
            }
        }
    }
}
