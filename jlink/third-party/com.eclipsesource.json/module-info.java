/** Descriptor we give minimal-json (no module name at all upstream). */
module com.eclipsesource.json {
    exports com.eclipsesource.json;
}
