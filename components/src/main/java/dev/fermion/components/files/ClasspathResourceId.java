package dev.fermion.components.files;

import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;

/**
 * {@code resource:/PATH}, where PATH is a resource name ({@code fermion/examples/iris.csv}). Beam recognises a
 * scheme only when ":/" follows it, hence the slash; Beam's own {@code classpath} scheme cannot be matched (so no
 * step can list its size or check it exists) and sees only Beam's class loader, hence a scheme of our own.
 */
record ClasspathResourceId(String path, boolean directory) implements ResourceId {
    static final String SCHEME = "resource";
    private static final String PREFIX = SCHEME + ":/";

    static ClasspathResourceId parse(String spec, boolean directory) {
        if (!spec.startsWith(PREFIX)) {
            throw new IllegalArgumentException("'" + spec + "' is not a " + PREFIX + "PATH resource");
        }
        String path = spec.substring(PREFIX.length()).replaceAll("^/+", "");
        if (path.endsWith("/")) {
            return new ClasspathResourceId(path.substring(0, path.length() - 1), true);
        }
        return new ClasspathResourceId(path, directory);
    }

    @Override
    public ResourceId resolve(String other, ResolveOptions options) {
        if (!directory) {
            throw new IllegalStateException("cannot resolve '" + other + "' against the resource " + this);
        }
        String joined = path.isEmpty() ? other : path + "/" + other;
        return new ClasspathResourceId(joined, options == ResolveOptions.StandardResolveOptions.RESOLVE_DIRECTORY);
    }

    @Override
    public ResourceId getCurrentDirectory() {
        if (directory) {
            return this;
        }
        int slash = path.lastIndexOf('/');
        return new ClasspathResourceId(slash < 0 ? "" : path.substring(0, slash), true);
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public String getFilename() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    @Override
    public boolean isDirectory() {
        return directory;
    }

    @Override
    public String toString() {
        return PREFIX + path + (directory && !path.isEmpty() ? "/" : "");
    }
}
