package dev.fermion.compiler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fermion.compiler.argo.DagTask;
import dev.fermion.compiler.argo.Inputs;
import dev.fermion.compiler.argo.Outputs;
import dev.fermion.compiler.argo.Parameter;
import dev.fermion.compiler.argo.ResourceAction;
import dev.fermion.compiler.argo.Template;
import dev.fermion.plan.ManifestField;
import dev.fermion.plan.Node;
import dev.fermion.plan.PortSpec;
import dev.fermion.plan.ResourceManifest;
import dev.fermion.plan.ResourceSpec;
import dev.fermion.plan.StepOptions;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Argo {@code resource} templates for Kubernetes-resource steps ({@link Node.ResourceNode}), one per distinct
 * definition and options. The manifest is written as given, after checking that it is one YAML object with
 * {@code apiVersion}, {@code kind} and a name (or, for create, a {@code generateName}): Argo would only find
 * out when the step runs. Each input is a template parameter written into its field of the manifest, and
 * each parameter output is {@code valueFrom.jsonPath} on the object. Resource steps
 * are never memoized: their effect is in the cluster, not in their outputs. Objects to delete at the end
 * of the run get a task in the exit handler ({@link #cleanupTasks()}).
 */
final class ResourceTemplates {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final ObjectMapper WRITER = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .build();

    /**
     * Flags of every delete. {@code kubectl delete} waits until the object is gone, and a claim is not gone
     * while a pod that mounted it exists ({@code kubernetes.io/pvc-protection}): the workflow's own completed
     * pods live until the workflow is deleted, so a waiting delete of the run's claims would never end.
     * Without the wait the deletion is accepted at once and completes when those pods go.
     */
    private static final List<String> DELETE_FLAGS = List.of("--wait=false");

    private final TemplateNames names;
    private final PodResources pod;
    private final ComponentTemplates<Key> templates;
    private final List<Template> cleanupTemplates = new ArrayList<>();
    private final List<DagTask> cleanupTasks = new ArrayList<>();

    /** {@code step} is set only for objects deleted at the end, whose template names the object per step. */
    private record Key(String component, ResourceSpec resource, StepOptions options, String step) {}

    ResourceTemplates(TemplateNames names, PodResources pod) {
        this.names = names;
        this.templates = new ComponentTemplates<>(names);
        this.pod = pod;
    }

    Template templateFor(Node.ResourceNode step) {
        Key key = new Key(
                step.component().className(),
                step.resource(),
                step.options(),
                step.resource().deletedAtEnd() ? step.name() : null);
        return templates.get(key, step.component(), name -> build(step, name));
    }

    List<Template> all() {
        List<Template> all = new ArrayList<>(templates.all());
        all.addAll(cleanupTemplates);
        return all;
    }

    /**
     * The exit-handler tasks deleting the objects of steps that asked for it, in step order. Each task is
     * named {@code STEP--delete} (step names never contain "--") and deletes by name; Argo ignores an object
     * that is not there, so a run that failed before creating it still ends cleanly.
     */
    List<DagTask> cleanupTasks() {
        return List.copyOf(cleanupTasks);
    }

    private Template build(Node.ResourceNode step, String name) {
        ResourceSpec spec = step.resource();
        StepOptions o = step.options();
        String where = "step '" + step.name() + "' (" + step.component().className() + ")";
        ObjectNode object = checkManifest(spec, where);
        String manifest = PodResources.plain(spec.manifest(), "manifest of " + where);
        List<Parameter> inputs = new ArrayList<>();
        if (!spec.inputs().isEmpty() || spec.deletedAtEnd()) {
            for (PortSpec port : step.component().inputs()) {
                ManifestField field = spec.inputs().get(port.name());
                if (field != null) {
                    place(object, field, "{{inputs.parameters." + port.name() + "}}", where);
                    inputs.add(Parameter.declared(port.name()));
                }
            }
            if (spec.deletedAtEnd()) {
                nameForCleanup(step, object, where);
            }
            manifest = yaml(object, where);
        }
        List<Parameter> outputs = new ArrayList<>();
        for (PortSpec port : step.component().outputs()) {
            outputs.add(Parameter.fromJsonPath(
                    port.name(),
                    PodResources.plain(
                            spec.outputs().get(port.name()), "JSONPath of output " + port.name() + " of " + where)));
        }
        ResourceAction action = new ResourceAction(
                spec.action().verb(),
                spec.mergeStrategy(),
                spec.action() == ResourceSpec.Action.DELETE ? DELETE_FLAGS : null,
                manifest,
                PodResources.plain(spec.successCondition(), "success condition of " + where),
                PodResources.plain(spec.failureCondition(), "failure condition of " + where),
                spec.ownedByWorkflow() ? Boolean.TRUE : null);
        return new Template(
                name,
                inputs.isEmpty() ? null : new Inputs(inputs, null),
                new Outputs(outputs, null),
                pod.metadata(o, where),
                null,
                null,
                null,
                null,
                null,
                action,
                null,
                RetryStrategies.retry(o, where, false),
                o.timeout() == null
                        ? null
                        : Long.toString(Math.max(1, o.timeout().toSeconds())),
                pod.serviceAccount(o, where),
                null,
                null,
                null,
                null);
    }

    /**
     * Writes an input's template reference into its field. Argo substitutes it as raw text, which is safe
     * because the DSL only binds such inputs to Kubernetes object names.
     */
    private static void place(ObjectNode object, ManifestField field, String reference, String where) {
        try {
            field.set(object, reference);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The manifest of " + where + ": " + e.getMessage(), e);
        }
    }

    /**
     * Names the object so the exit handler can find it ({@code <workflow name>-<step>} in place of a
     * {@code generateName}), and adds the task and template that delete the object by that name.
     */
    private void nameForCleanup(Node.ResourceNode step, ObjectNode object, String where) {
        ObjectNode metadata = (ObjectNode) object.get("metadata");
        if (!metadata.path("name").isTextual()) {
            metadata.remove("generateName");
            metadata.put("name", "{{workflow.name}}-" + step.name());
        }
        ObjectNode target = YAML.createObjectNode();
        target.set("apiVersion", object.get("apiVersion"));
        target.set("kind", object.get("kind"));
        ObjectNode targetMetadata = target.putObject("metadata");
        targetMetadata.set("name", metadata.get("name"));
        if (metadata.has("namespace")) {
            targetMetadata.set("namespace", metadata.get("namespace"));
        }
        String template = names.claim("delete-" + step.name());
        cleanupTemplates.add(new Template(
                template,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                new ResourceAction(
                        ResourceSpec.Action.DELETE.verb(), null, DELETE_FLAGS, yaml(target, where), null, null, null),
                null,
                null,
                null,
                pod.serviceAccount(step.options(), where),
                null,
                null,
                null,
                null));
        cleanupTasks.add(
                new DagTask(DagTasks.taskName(step.name()) + "--delete", template, null, null, null, null, null));
    }

    private static String yaml(ObjectNode object, String where) {
        try {
            return WRITER.writeValueAsString(object);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the manifest of " + where, e);
        }
    }

    /** The manifest as one object, checked to name the object it acts on (as the DSL checked it). */
    private static ObjectNode checkManifest(ResourceSpec spec, String where) {
        return ResourceManifest.parse(spec, where);
    }
}
