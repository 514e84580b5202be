package dev.fermion.tracking;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The Fermion version this module was built as, for run tags. */
final class FermionVersion {
    private FermionVersion() {}

    static String get() {
        try (InputStream in = FermionVersion.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
