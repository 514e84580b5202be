package dev.fermion.runtime.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.ManifestField;
import dev.fermion.plan.Names;
import dev.fermion.plan.Node;
import dev.fermion.plan.PortSpec;
import dev.fermion.plan.ResourceSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs Kubernetes-resource steps locally through the fabric8 client, with Argo's semantics: the action
 * on the manifest, then (when the step has conditions) waiting until the success or the failure condition
 * holds, then the outputs read by JSONPath. Objects a step creates or applies are labelled with the
 * pipeline ({@value #PIPELINE_LABEL}). A local run is no Kubernetes object that could own them, so
 * objects whose step asks for an owner or for deletion at the end are deleted by
 * {@link #deleteOwnedResources()}, which the runner calls when the run ends.
 *
 * <p>Without a cluster (no kubeconfig) such a step fails with a {@link ContainerSetupException} that names
 * it; it is never skipped.
 */
public final class ResourceStepRunner implements AutoCloseable {
    static final String PIPELINE_LABEL = "fermion.dev/pipeline";
    /** How long a step with conditions waits when it has no timeout of its own. */
    static final Duration DEFAULT_WAIT = Duration.ofHours(1);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String missingCluster;
    private final List<HasMetadata> owned = new ArrayList<>();

    /** Uses {@code client}, e.g. one built for a chosen context. */
    public ResourceStepRunner(KubernetesClient client) {
        this.client = client;
        this.missingCluster = null;
    }

    private ResourceStepRunner(String missingCluster) {
        this.client = null;
        this.missingCluster = missingCluster;
    }

    /**
     * Connects with the kubeconfig named by {@code KUBECONFIG} (its first file), or {@code ~/.kube/config},
     * or the in-cluster service account; with none of these, resource steps fail with a message saying so.
     */
    public static ResourceStepRunner connect(Map<String, String> environment, Path home) {
        Optional<Path> kubeconfig = kubeconfig(environment, home);
        if (kubeconfig.isPresent()) {
            return connect(kubeconfig.get());
        }
        if (environment.containsKey("KUBERNETES_SERVICE_HOST")) {
            return new ResourceStepRunner(new KubernetesClientBuilder()
                    .withConfig(Config.autoConfigure(null))
                    .build());
        }
        return new ResourceStepRunner("no kubeconfig is configured (KUBECONFIG is "
                + (environment.containsKey("KUBECONFIG")
                        ? "'" + environment.get("KUBECONFIG") + "', which does not exist"
                        : "not set")
                + " and " + home.resolve(".kube/config") + " does not exist)");
    }

    /** Connects with the kubeconfig {@code file} and its current context. */
    public static ResourceStepRunner connect(Path file) {
        if (!Files.isRegularFile(file)) {
            return new ResourceStepRunner("the kubeconfig " + file + " does not exist");
        }
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            return new ResourceStepRunner(new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(content))
                    .build());
        } catch (IOException | KubernetesClientException e) {
            return new ResourceStepRunner("the kubeconfig " + file + " cannot be read (" + e.getMessage() + ")");
        }
    }

    private static Optional<Path> kubeconfig(Map<String, String> environment, Path home) {
        String variable = environment.get("KUBECONFIG");
        if (variable != null && !variable.isBlank()) {
            Path first = Path.of(variable.split(java.io.File.pathSeparator)[0]);
            return Files.isRegularFile(first) ? Optional.of(first) : Optional.empty();
        }
        Path standard = home.resolve(".kube").resolve("config");
        return Files.isRegularFile(standard) ? Optional.of(standard) : Optional.empty();
    }

    /**
     * Fails unless a cluster is configured, so a run stops before its first step.
     *
     * @throws ContainerSetupException naming the step and how to proceed
     */
    public void requireCluster(String pipeline, Node.ResourceNode node) {
        if (client == null) {
            throw new ContainerSetupException(
                    noCluster("pipeline '" + pipeline + "', step '" + node.name() + "'", node));
        }
    }

    private String noCluster(String where, Node.ResourceNode node) {
        return where + " " + node.resource().action().verb() + "s a Kubernetes object, which needs a cluster, but "
                + missingCluster + ": point KUBECONFIG at a cluster's kubeconfig, or leave the step out of local runs";
    }

    /**
     * Runs one attempt of a step without inputs.
     *
     * @throws ContainerSetupException when no cluster is configured; nothing has been done then
     */
    public ResourceStepResult run(String pipeline, Node.ResourceNode node) {
        return run(pipeline, node, Map.of());
    }

    /**
     * Runs one attempt, writing each input value (by input name) into its field of the manifest.
     *
     * @throws ContainerSetupException when no cluster is configured; nothing has been done then
     */
    public ResourceStepResult run(String pipeline, Node.ResourceNode node, Map<String, String> inputs) {
        String where = "pipeline '" + pipeline + "', step '" + node.name() + "'";
        if (client == null) {
            throw new ContainerSetupException(noCluster(where, node));
        }
        ResourceSpec spec = node.resource();
        HasMetadata object;
        try {
            object = client.getKubernetesSerialization().unmarshal(manifest(spec, inputs));
        } catch (IllegalArgumentException e) {
            return ResourceStepResult.failed(where + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return ResourceStepResult.failed(where + ": the manifest is not a Kubernetes object: " + e.getMessage());
        }
        if (spec.action() == ResourceSpec.Action.CREATE || spec.action() == ResourceSpec.Action.APPLY) {
            String label = Names.sanitize(pipeline);
            if (label != null) {
                Map<String, String> labels = new LinkedHashMap<>(
                        object.getMetadata().getLabels() == null
                                ? Map.of()
                                : object.getMetadata().getLabels());
                labels.put(PIPELINE_LABEL, label);
                object.getMetadata().setLabels(labels);
            }
        }
        HasMetadata result;
        try {
            result = act(spec, object, where);
        } catch (KubernetesClientException e) {
            return ResourceStepResult.failed(
                    where + ": " + spec.action().verb() + " " + object.getKind() + " failed: " + e.getMessage());
        }
        if (spec.action() == ResourceSpec.Action.DELETE) {
            return outputs(node, where, null, object.getMetadata().getName());
        }
        if (spec.ownedByWorkflow() || spec.deletedAtEnd()) {
            synchronized (owned) {
                owned.add(result);
            }
        }
        if (spec.successCondition() != null || spec.failureCondition() != null) {
            Optional<ResourceStepResult> failure = await(node, result, where);
            if (failure.isPresent()) {
                return failure.get();
            }
            result = client.resource(result).get();
        }
        return outputs(node, where, result, result.getMetadata().getName());
    }

    /**
     * The manifest with the inputs written into their fields. The DSL only binds names, but a value is
     * checked again here, where it is known, so no text can reach the object's structure.
     */
    private String manifest(ResourceSpec spec, Map<String, String> inputs) {
        if (spec.inputs().isEmpty()) {
            return spec.manifest();
        }
        ObjectNode object = client.getKubernetesSerialization().unmarshal(spec.manifest(), ObjectNode.class);
        spec.inputs().forEach((input, field) -> {
            String value = inputs.get(input);
            if (value == null) {
                throw new IllegalArgumentException(
                        "input '" + input + "' has no value, but the manifest needs it in " + field);
            }
            field.set(object, ManifestField.requireObjectName(value, "input '" + input + "'"));
        });
        return object.toString();
    }

    private HasMetadata act(ResourceSpec spec, HasMetadata object, String where) {
        Resource<HasMetadata> resource = client.resource(object);
        return switch (spec.action()) {
            case CREATE -> resource.create();
            case APPLY -> resource.createOr(NonDeletingOperation::update);
            case PATCH -> {
                if ("json".equals(spec.mergeStrategy())) {
                    throw new KubernetesClientException("JSON patches run on Argo only; use a merge or strategic patch "
                            + "to run " + where + " locally");
                }
                PatchType type =
                        "merge".equals(spec.mergeStrategy()) ? PatchType.JSON_MERGE : PatchType.STRATEGIC_MERGE;
                yield resource.patch(PatchContext.of(type), object);
            }
            case DELETE -> {
                resource.delete();
                yield object;
            }
        };
    }

    /** Waits for either condition; a present result is the step's failure. */
    private Optional<ResourceStepResult> await(Node.ResourceNode node, HasMetadata object, String where) {
        ResourceSpec spec = node.resource();
        ResourceCondition success =
                spec.successCondition() == null ? null : new ResourceCondition(spec.successCondition());
        ResourceCondition failure =
                spec.failureCondition() == null ? null : new ResourceCondition(spec.failureCondition());
        Duration timeout = node.options().timeout() != null ? node.options().timeout() : DEFAULT_WAIT;
        HasMetadata done;
        try {
            done = client.resource(object)
                    .waitUntilCondition(
                            o -> o != null
                                    && ((success != null && success.holds(tree(o)))
                                            || (failure != null && failure.holds(tree(o)))),
                            timeout.toMillis(),
                            TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            return Optional.of(ResourceStepResult.failed(where + ": " + object.getKind() + " "
                    + object.getMetadata().getName() + " did not reach '" + (success != null ? success : failure)
                    + "' within " + timeout.toSeconds() + "s; give the step a longer timeout(...) if it needs one"));
        }
        if (failure != null && failure.holds(tree(done))) {
            return Optional.of(ResourceStepResult.failed(where + ": " + done.getKind() + " "
                    + done.getMetadata().getName() + " met its failure condition '" + failure + "'"));
        }
        return Optional.empty();
    }

    private static ResourceStepResult outputs(Node.ResourceNode node, String where, HasMetadata object, String name) {
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode tree = object == null ? null : tree(object);
        for (PortSpec port : node.component().outputs()) {
            String path = node.resource().outputs().get(port.name());
            String value;
            try {
                value = tree == null ? null : JsonPaths.read(tree, path);
            } catch (IllegalArgumentException e) {
                return ResourceStepResult.failed(where + ": output '" + port.name() + "': " + e.getMessage());
            }
            if (value == null) {
                return ResourceStepResult.failed(
                        where + ": output '" + port.name() + "' reads " + path + ", which the object does not have");
            }
            try {
                ValueCodec.decode(port.type(), value);
            } catch (IllegalArgumentException e) {
                return ResourceStepResult.failed(
                        where + ": output '" + port.name() + "' (" + path + "): " + e.getMessage());
            }
            params.put(port.name(), value);
        }
        return new ResourceStepResult(true, params, name, null);
    }

    private static JsonNode tree(HasMetadata object) {
        return JSON.valueToTree(object);
    }

    /** Deletes the objects of steps that asked to be owned by the run or deleted at its end; call once when the run ends. */
    public void deleteOwnedResources() {
        List<HasMetadata> toDelete;
        synchronized (owned) {
            toDelete = List.copyOf(owned);
            owned.clear();
        }
        for (HasMetadata object : toDelete) {
            client.resource(object).delete();
        }
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
