package dev.fermion.dsl;

import dev.fermion.plan.Names;
import java.util.Objects;

/**
 * A step that creates a PersistentVolumeClaim for later steps to share; its {@link #CLAIM_NAME} output is
 * the generated claim name ({@code fermion-<random>}), which steps mount with {@code mountClaim(...)}.
 *
 * <pre>{@code
 * var scratch = p.step("scratch", new VolumeClaim("50Gi").storageClass("fast-ssd")
 *         .accessMode(VolumeClaim.AccessMode.READ_WRITE_MANY).deletedWithWorkflow());
 * }</pre>
 *
 * The step does not wait for the claim to be bound: with a {@code WaitForFirstConsumer} storage class it
 * is only bound when the first pod using it is scheduled. It is cleaned up as {@link CreatedObject} says.
 * A claim can start with the data of a
 * {@link VolumeSnapshot} ({@link #fromSnapshot()}). Argo's own {@code volumeClaimTemplates} are not
 * used: they create every claim before the first step, so a claim could not be a step with outputs.
 */
public final class VolumeClaim extends CreatedObject<VolumeClaim> {
    public static final Output<String> CLAIM_NAME =
            output("claim-name", String.class).describedAs("the name of the created PersistentVolumeClaim");
    /** The {@link VolumeSnapshot} whose data a claim made {@link #fromSnapshot()} starts with. */
    public static final Input<String> SNAPSHOT = input("snapshot", String.class)
            .optional()
            .describedAs("the name of the VolumeSnapshot to restore (with fromSnapshot())");

    /** How pods may mount the claim. */
    public enum AccessMode {
        READ_WRITE_ONCE("ReadWriteOnce"),
        READ_WRITE_MANY("ReadWriteMany"),
        READ_ONLY_MANY("ReadOnlyMany"),
        READ_WRITE_ONCE_POD("ReadWriteOncePod");

        private final String kubernetesName;

        AccessMode(String kubernetesName) {
            this.kubernetesName = kubernetesName;
        }

        public String kubernetesName() {
            return kubernetesName;
        }
    }

    private final String size;
    private String storageClass;
    private AccessMode accessMode = AccessMode.READ_WRITE_ONCE;
    private boolean fromSnapshot;

    /** A claim of {@code size} (a Kubernetes quantity such as {@code "10Gi"}). */
    public VolumeClaim(String size) {
        if (size == null || !Names.QUANTITY.matcher(size).matches()) {
            throw new IllegalArgumentException(
                    "invalid volume size '" + size + "': use a Kubernetes quantity such as \"10Gi\"");
        }
        this.size = size;
    }

    public VolumeClaim storageClass(String name) {
        this.storageClass = className(name, "storage class");
        return this;
    }

    public VolumeClaim accessMode(AccessMode mode) {
        this.accessMode = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /**
     * The claim starts with the data of the VolumeSnapshot bound to {@link #SNAPSHOT}, typically the
     * {@link VolumeSnapshot#SNAPSHOT_NAME} of an earlier step; its size must be at least the snapshot's.
     */
    public VolumeClaim fromSnapshot() {
        this.fromSnapshot = true;
        return this;
    }

    @Override
    protected ResourceCommand command() {
        StringBuilder yaml = new StringBuilder()
                .append("apiVersion: v1\n")
                .append("kind: PersistentVolumeClaim\n")
                .append("metadata:\n")
                .append("  generateName: fermion-\n")
                .append("spec:\n")
                .append("  accessModes:\n")
                .append("    - ")
                .append(accessMode.kubernetesName())
                .append('\n')
                .append("  resources:\n")
                .append("    requests:\n")
                .append("      storage: \"")
                .append(size)
                .append("\"\n");
        if (storageClass != null) {
            yaml.append("  storageClassName: ").append(storageClass).append('\n');
        }
        if (fromSnapshot) {
            yaml.append("  dataSource:\n")
                    .append("    apiGroup: snapshot.storage.k8s.io\n")
                    .append("    kind: VolumeSnapshot\n");
        }
        ResourceCommand command = ResourceCommand.create(yaml.toString()).output(CLAIM_NAME, "{.metadata.name}");
        if (fromSnapshot) {
            command.input(SNAPSHOT, "{.spec.dataSource.name}");
        }
        return cleanedUp(command);
    }
}
