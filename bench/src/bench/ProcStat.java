package bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and memory of a running process, from /proc. */
final class ProcStat {
    private ProcStat() {}

    static long clockTicks = Long.getLong("bench.clk_tck", 100);

    /**
     * Cores used by each group of pids over the same window of seconds; a process gone before or
     * during the window makes its group NaN.
     */
    static double[] cores(java.util.List<java.util.List<Long>> groups, double seconds) throws InterruptedException {
        return cores(groups, seconds, false);
    }

    /** As {@link #cores(java.util.List, double)}, a process gone counting as no CPU (tabs that close on their own). */
    static double[] coresOfLiving(java.util.List<java.util.List<Long>> groups, double seconds) throws InterruptedException {
        return cores(groups, seconds, true);
    }

    private static double[] cores(java.util.List<java.util.List<Long>> groups, double seconds, boolean goneAsZero)
            throws InterruptedException {
        double[] before = new double[groups.size()], out = new double[groups.size()];
        for (int g = 0; g < groups.size(); g++) for (long pid : groups.get(g)) before[g] += cpu(pid, goneAsZero);
        long t0 = System.nanoTime();
        Util.sleep(seconds);
        double dt = (System.nanoTime() - t0) / 1e9;
        for (int g = 0; g < groups.size(); g++) {
            double after = 0;
            for (long pid : groups.get(g)) after += cpu(pid, goneAsZero);
            out[g] = (after - before[g]) / dt;
        }
        return out;
    }

    private static double cpu(long pid, boolean goneAsZero) {
        double s = cpuSeconds(pid);
        return goneAsZero && Double.isNaN(s) ? 0 : s;
    }

    /** utime + stime in seconds, or NaN when the process is gone. */
    static double cpuSeconds(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": f[0] is field 3 (state); utime is field 14, stime 15
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks / (double) clockTicks;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** A field of /proc/PID/status such as VmHWM or VmRSS, in MiB; NaN when unknown. */
    static double statusMiB(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field + ":")) {
                    String kb = line.substring(field.length() + 1).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return Double.NaN;
    }
}
