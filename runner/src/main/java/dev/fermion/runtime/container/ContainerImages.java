package dev.fermion.runtime.container;

import dev.fermion.contract.ImageMap;
import java.util.Objects;

/**
 * The images of a local run: {@code replacements} ({@code --image FROM=TO}) apply to every image a step names,
 * and {@code runtimeImage} is the image Java steps run in with {@code --isolation container}: the one the
 * compiler writes for them (a step's own {@code image} option wins), so a local run uses what a pod uses.
 *
 * @param replacements images replaced by local ones
 * @param runtimeImage Fermion's runtime image, or a user's image built on it; null when none is known
 */
public record ContainerImages(ImageMap replacements, String runtimeImage) {
    public static final ContainerImages NONE = new ContainerImages(ImageMap.NONE, null);

    public ContainerImages {
        Objects.requireNonNull(replacements, "replacements");
    }
}
