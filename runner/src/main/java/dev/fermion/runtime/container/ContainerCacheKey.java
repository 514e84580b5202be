package dev.fermion.runtime.container;

import dev.fermion.contract.CacheKey;
import dev.fermion.plan.Node;
import java.util.Map;

/**
 * The local cache key of a container or script step: {@link CacheKey} with the digest of the step's
 * image, command, arguments, environment and script ({@link dev.fermion.plan.ContainerSpec#digest()}) in
 * place of a Java component's code digest, exactly as the compiler writes it into Argo's {@code memoize}.
 */
public final class ContainerCacheKey {
    private ContainerCacheKey() {}

    /**
     * @param params       the encoded value of every bound parameter input
     * @param inputDigests the content digest of every bound artifact input
     */
    public static String of(Node.ContainerNode node, Map<String, String> params, Map<String, String> inputDigests) {
        return CacheKey.compute(
                node.component().className(),
                node.component().version(),
                node.container().digest(),
                params,
                inputDigests);
    }
}
