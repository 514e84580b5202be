package dev.fermion.deploy.kubernetes;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Manifests for {@code ResourceCommand} from fabric8's typed model builders, for pipelines that prefer
 * them to YAML text (the DSL itself does not depend on fabric8), and the YAML of the objects the deploy step
 * applies:
 *
 * <pre>{@code
 * ResourceCommand.create(Manifests.yaml(new JobBuilder().withNewMetadata().withGenerateName("pi-").endMetadata()...build()))
 * }</pre>
 */
public final class Manifests {
    private static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .build())
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.USE_DEFAULTS))
            .build();

    private Manifests() {}

    /** The object as YAML text, without empty fields. */
    public static String yaml(HasMetadata object) {
        try {
            return YAML.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "cannot write " + object.getKind() + " as YAML: " + e.getOriginalMessage(), e);
        }
    }
}
