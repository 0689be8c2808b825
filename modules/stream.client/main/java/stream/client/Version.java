package stream.client;

/** The version of the stream.client module, as recorded in its module descriptor by the build. */
public final class Version {
    private Version() {}

    /**
     * Returns the module version, or "dev" when the classes do not come from a versioned module.
     * @return the version string, for example "0.1.0"
     */
    public static String of() {
        var descriptor = Version.class.getModule().getDescriptor();
        return descriptor == null ? "dev" : descriptor.rawVersion().orElse("dev");
    }
}
