package dev.fermion.cli;

import dev.fermion.compiler.CompilerOptions;
import dev.fermion.contract.ImageMap;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The images a compiled workflow names, shared by compile, submit and templates apply: the runtime images'
 * registry and tag, a user's own image in place of the CPU runtime image, and images replaced by others.
 */
final class ImageOptions {
    @Option(names = "--image-registry", paramLabel = "REGISTRY", description = "Registry of the runtime images.")
    String registry;

    @Option(
            names = "--image-tag",
            paramLabel = "TAG",
            description = "Tag of the runtime images (default: the Fermion version).")
    String tag;

    @Option(
            names = "--runtime-image",
            paramLabel = "IMAGE",
            description = {
                "Java steps run IMAGE instead of the CPU runtime image: your image built on it with",
                "'fermion image build', which holds your classes."
            })
    String runtimeImage;

    @Option(
            names = "--image",
            paramLabel = "IMAGE=REPLACEMENT",
            description = {
                "Write REPLACEMENT wherever a step names IMAGE, e.g. a mirror the cluster can pull from",
                "(repeatable; the same mapping as 'fermion run --image')."
            })
    List<String> images = new ArrayList<>();

    CompilerOptions apply(CompilerOptions options) {
        if (registry != null) {
            options = options.withRegistry(registry);
        }
        if (tag != null) {
            options = options.withTag(tag);
        }
        options = options.withImages(map(images));
        try {
            return runtimeImage == null ? options : options.withRuntimeImage(runtimeImage);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--runtime-image: " + e.getMessage());
        }
    }

    static ImageMap map(List<String> pairs) {
        try {
            return ImageMap.parse(pairs);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--image: " + e.getMessage());
        }
    }
}
