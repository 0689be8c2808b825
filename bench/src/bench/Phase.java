package bench;

/**
 * One group of figures of the bench. A new measurement is a new class implementing this, plus
 * one line in {@link Bench#PHASES}; it gets everything it needs through the {@link Context}.
 */
interface Phase {
    /** The short name {@code bench/run.sh --only} selects it by, e.g. "coldstart". */
    String id();

    /** What the console banner and a failure say, e.g. "cold start". */
    String title();

    void run(Context ctx) throws Exception;
}
