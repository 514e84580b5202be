package dev.fermion.components.files;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.beam.sdk.io.FileSystem;
import org.apache.beam.sdk.io.fs.CreateOptions;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;

/**
 * Reads {@code resource:/PATH}: a resource of the jars and class directories on the classpath, wherever the
 * step runs. Data that ships with the code (the examples' iris.csv, a user's reference tables in
 * {@code src/main/resources}) is then reachable the same way in a local run, in a process, in the runtime
 * image and in a pod of an image built with {@code fermion image build}. Read-only, one resource per source
 * (no globs); resources are looked up through the class loader of the thread that set up Beam's file
 * systems (the step's), so a user's classes directory counts too.
 */
final class ClasspathFileSystem extends FileSystem<ClasspathResourceId> {
    private final ClassLoader loader;

    ClasspathFileSystem(ClassLoader loader) {
        this.loader = loader;
    }

    @Override
    protected List<MatchResult> match(List<String> specs) {
        List<MatchResult> results = new ArrayList<>();
        for (String spec : specs) {
            results.add(match(spec));
        }
        return results;
    }

    private MatchResult match(String spec) {
        ClasspathResourceId id = ClasspathResourceId.parse(spec, false);
        if (id.path().chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
            return MatchResult.create(
                    MatchResult.Status.ERROR,
                    new IOException("Source '" + spec + "': a " + ClasspathResourceId.SCHEME
                            + ": source names one resource; globs are not supported"));
        }
        URL url = loader.getResource(id.path());
        if (url == null) {
            return MatchResult.create(
                    MatchResult.Status.NOT_FOUND,
                    new FileNotFoundException("No resource "
                            + id.path() + " on the classpath (from '" + spec
                            + "'): put the file in a jar or class directory "
                            + "of the pipeline's classpath, e.g. under src/main/resources"));
        }
        long size;
        try {
            URLConnection connection = url.openConnection();
            connection.setUseCaches(false);
            size = connection.getContentLengthLong();
        } catch (IOException e) {
            return MatchResult.create(MatchResult.Status.ERROR, e);
        }
        return MatchResult.create(
                MatchResult.Status.OK,
                List.of(MatchResult.Metadata.builder()
                        .setResourceId(id)
                        .setSizeBytes(Math.max(size, 0))
                        .setIsReadSeekEfficient(false)
                        .setLastModifiedMillis(0)
                        .build()));
    }

    @Override
    protected ReadableByteChannel open(ClasspathResourceId resourceId) throws IOException {
        InputStream in = loader.getResourceAsStream(resourceId.path());
        if (in == null) {
            throw new FileNotFoundException("No resource " + resourceId.path() + " on the classpath");
        }
        return Channels.newChannel(in);
    }

    @Override
    protected WritableByteChannel create(ClasspathResourceId resourceId, CreateOptions createOptions) {
        throw readOnly(resourceId);
    }

    @Override
    protected void copy(List<ClasspathResourceId> sources, List<ClasspathResourceId> targets) {
        throw readOnly(targets.isEmpty() ? null : targets.get(0));
    }

    @Override
    protected void rename(
            List<ClasspathResourceId> sources, List<ClasspathResourceId> targets, MoveOptions... options) {
        throw readOnly(sources.isEmpty() ? null : sources.get(0));
    }

    @Override
    protected void delete(Collection<ClasspathResourceId> resourceIds) {
        throw readOnly(resourceIds.isEmpty() ? null : resourceIds.iterator().next());
    }

    @Override
    protected ClasspathResourceId matchNewResource(String singleResourceSpec, boolean isDirectory) {
        return ClasspathResourceId.parse(singleResourceSpec, isDirectory);
    }

    @Override
    protected String getScheme() {
        return ClasspathResourceId.SCHEME;
    }

    private static UnsupportedOperationException readOnly(ClasspathResourceId id) {
        return new UnsupportedOperationException(ClasspathResourceId.SCHEME + ": resources are read-only"
                + (id == null ? "" : ", so " + id + " cannot be written"));
    }
}
