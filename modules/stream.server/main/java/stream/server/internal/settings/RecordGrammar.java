package stream.server.internal.settings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import stream.server.internal.settings.SettingsGrammar.Invalid;

/**
 * The grammar of the recording settings that are not plain numbers: {@code record} (true or
 * false) and {@code record-dir}. A recording directory is an absolute, normalized path (no
 * {@code .} or {@code ..} parts, no doubled or trailing slash, no control characters); what is
 * already there must be a directory and not a symbolic link. {@link StreamRecording} checks it
 * again when it records (the file system may have changed) and makes what is missing, mode 0700.
 */
public final class RecordGrammar {
    /** What record-dir accepts, as errors say it. */
    static final String DIR_ALLOWED = "an absolute path such as /srv/recordings/cam2 (no . or .. parts, no symbolic link,"
            + " not /); made with mode 0700 when missing";

    private RecordGrammar() {}

    /**
     * @param text "true" or "false"
     * @return the value
     * @throws Invalid for anything else
     */
    static Boolean bool(String text) {
        if ("true".equals(text)) return Boolean.TRUE;
        if ("false".equals(text)) return Boolean.FALSE;
        throw new Invalid("record", text, "true or false");
    }

    /**
     * @param text a path
     * @return it, checked
     * @throws Invalid naming what is wrong
     */
    static Path dir(String text) {
        if (text == null || text.isEmpty() || text.length() > 1024 || !text.startsWith("/") || text.equals("/")
                || text.endsWith("/") || text.contains("//") || text.chars().anyMatch(c -> c < 0x20 || c == 0x7F))
            throw new Invalid("record-dir", text, DIR_ALLOWED);
        for (String part : text.substring(1).split("/"))
            if (part.equals(".") || part.equals("..")) throw new Invalid("record-dir", text, DIR_ALLOWED);
        return checkDir(Path.of(text));
    }

    /**
     * @param p a path given in code
     * @return it, checked as {@link #dir(String)} checks text
     * @throws Invalid naming what is wrong
     */
    static Path checkDir(Path p) {
        if (p == null) return null; // the default: the stream's own folder
        if (!p.isAbsolute() || !p.normalize().equals(p) || p.getNameCount() == 0)
            throw new Invalid("record-dir", String.valueOf(p), DIR_ALLOWED);
        problem(p).ifPresent(why -> {
            throw new Invalid("record-dir", p.toString(), DIR_ALLOWED + "; " + why);
        });
        return p;
    }

    /**
     * What makes an existing path unusable as a recording directory: a symbolic link (at the
     * path or on the way to it) or something that is not a directory.
     * @param p an absolute, normalized path
     * @return the problem, or empty when the path is fine or does not exist yet
     */
    public static java.util.Optional<String> problem(Path p) {
        // The nearest existing part of the path must be a directory reached without a link.
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null) return java.util.Optional.empty();
        try {
            BasicFileAttributes a = Files.readAttributes(existing, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) return java.util.Optional.of(existing + " is a symbolic link");
            if (!a.isDirectory()) return java.util.Optional.of(existing + " is not a directory");
            if (!existing.toRealPath().equals(existing))
                return java.util.Optional.of(existing + " is reached through a symbolic link (it is " + existing.toRealPath() + ")");
        } catch (IOException e) {
            return java.util.Optional.of("cannot read " + existing + ": " + e.getMessage());
        }
        return java.util.Optional.empty();
    }
}
