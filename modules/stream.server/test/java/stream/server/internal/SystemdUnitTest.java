package stream.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped systemd unit (dist/systemd/stream-server.service) passes {@code systemd-analyze
 * verify} without a single complaint, scores as a sandboxed service in {@code systemd-analyze
 * security}, and agrees with the server's documented exit codes.
 */
class SystemdUnitTest {
    static final String INSTALLED_LAUNCHER = "/opt/stream-server/bin/stream-server";

    @TempDir
    Path tmp;

    static Path repo() {
        // build.sh passes its out/ folder; the unit lives beside it in the repository.
        return Path.of(System.getProperty("stream.build.dir", "out")).toAbsolutePath().getParent();
    }

    static String unit() throws Exception {
        return Files.readString(repo().resolve("dist/systemd/stream-server.service"));
    }

    record Result(int code, String output) {}

    static Result run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd));
        return new Result(p.exitValue(), out.strip());
    }

    /** The unit as installed, its ExecStart pointed at this repository's real launcher (verify checks it exists). */
    Path installedCopy(String text, String name) throws Exception {
        Path launcher = repo().resolve("jlink/launchers/stream-server");
        assertTrue(Files.isExecutable(launcher), launcher.toString());
        assertTrue(text.contains("ExecStart=" + INSTALLED_LAUNCHER), "ExecStart is the installed image's launcher");
        return Files.writeString(tmp.resolve(name), text.replace(INSTALLED_LAUNCHER, launcher.toString()));
    }

    @Test
    void systemdAnalyzeVerifyHasNothingToSay() throws Exception {
        Result r = run("systemd-analyze", "verify", installedCopy(unit(), "stream-server.service").toString());
        assertEquals(0, r.code(), r.output());
        assertEquals("", r.output(), "no warning of any kind");
    }

    /** verify's exit code is 0 even for lines it ignores: the test above reads its output, and that can fail. */
    @Test
    void verifyNamesAMistakeInTheUnit() throws Exception {
        String broken = unit().replace("KillMode=mixed", "KillMode=gently").replace("DeviceAllow=char-video4linux", "DeviceAllow=video4linux");
        Result r = run("systemd-analyze", "verify", installedCopy(broken, "broken.service").toString());
        assertTrue(r.output().contains("KillMode") || r.output().contains("kill mode"), r.output());
        assertTrue(r.output().contains("video4linux"), r.output());
    }

    @Test
    void theSandboxScoresAsOk() throws Exception {
        Result r = run("systemd-analyze", "security", "--offline=true", installedCopy(unit(), "stream-server.service").toString());
        Matcher m = Pattern.compile("Overall exposure level for stream-server.service: ([0-9.]+)").matcher(r.output());
        assertTrue(m.find(), r.output());
        double exposure = Double.parseDouble(m.group(1));
        assertTrue(exposure <= 4.0, "exposure " + exposure + " (systemd: up to 4.x is OK, 10 is unprotected)\n" + r.output());
    }

    @Test
    void theUnitRestartsOnTheExitCodesThatMeanRestartMe() throws Exception {
        String u = unit();
        for (String line : List.of("DynamicUser=yes", "SupplementaryGroups=video", "StateDirectory=stream-server",
                "StateDirectoryMode=0700", "RuntimeDirectory=stream-server", "Environment=STREAM_STATE_DIR=%S/stream-server",
                "Restart=on-failure", "SuccessExitStatus=129 130 143", "RestartPreventExitStatus=2", "KillMode=mixed",
                "DeviceAllow=char-video4linux rw", "DevicePolicy=closed", "ProtectSystem=strict", "ProtectHome=yes",
                "PrivateTmp=yes", "NoNewPrivileges=yes", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK"))
            assertTrue(u.lines().anyMatch(line::equals), "the unit has " + line);
        assertFalse(u.contains("MemoryDenyWriteExecute=yes"), "the JVM's JIT writes and runs code");
        // The codes the unit names are the ones the server documents.
        assertTrue(Main.usageText().contains("130, 143  ended by Ctrl+C (SIGINT) or SIGTERM"), "orderly stops: 130, 143 (SIGHUP reloads)");
        assertTrue(Main.usageText().contains("2  usage error"), "2: a bad option, which no restart heals");
        assertEquals(2, Main.USAGE);
        assertEquals(3, Main.ENVIRONMENT);
        // A server that lost a vital thread exits 70: Restart=on-failure restarts on it, nothing exempts it.
        assertTrue(Main.usageText().contains("70 a vital thread died"), "70 documented");
        for (String exempt : List.of("SuccessExitStatus=", "RestartPreventExitStatus="))
            u.lines().filter(l -> l.startsWith(exempt)).forEach(l ->
                    assertFalse(List.of(l.substring(exempt.length()).split("\\s+")).contains(Integer.toString(VitalThreads.EXIT)), l));
    }
}
