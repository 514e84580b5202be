package dev.fermion.plan;

import java.util.Objects;

/** A volume mounted into a step's container. */
public sealed interface VolumeMount {

    /** Dispatches on the kind, so that code handling every kind stops compiling when a kind is added. */
    <R> R accept(Visitor<R> visitor);

    /** One method per kind of volume. */
    interface Visitor<R> {
        R persistentClaim(PersistentClaim claim);

        R secret(SecretVolume secret);

        R configMap(ConfigMapVolume configMap);

        R emptyDir(EmptyDir emptyDir);

        R claimFromValue(ClaimFromValue claim);
    }

    /** The name of the volume in the pod; derived from what is mounted so equal mounts share one volume. */
    String volumeName();

    String mountPath();

    boolean readOnly();

    static PersistentClaim pvc(String claimName, String mountPath) {
        return new PersistentClaim(claimName, mountPath, false);
    }

    static SecretVolume secret(String secretName, String mountPath) {
        return new SecretVolume(secretName, mountPath);
    }

    static ConfigMapVolume configMap(String name, String mountPath) {
        return new ConfigMapVolume(name, mountPath);
    }

    static EmptyDir emptyDir(String name, String mountPath, String sizeLimit) {
        return new EmptyDir(name, mountPath, false, sizeLimit);
    }

    record PersistentClaim(String claimName, String mountPath, boolean readOnly) implements VolumeMount {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.persistentClaim(this);
        }

        public PersistentClaim {
            requireName(claimName, "PersistentVolumeClaim");
            requirePath(mountPath);
        }

        public PersistentClaim asReadOnly() {
            return new PersistentClaim(claimName, mountPath, true);
        }

        @Override
        public String volumeName() {
            return "pvc-" + claimName;
        }
    }

    record SecretVolume(String secretName, String mountPath) implements VolumeMount {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.secret(this);
        }

        public SecretVolume {
            requireName(secretName, "Secret");
            requirePath(mountPath);
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public String volumeName() {
            return "secret-" + secretName;
        }
    }

    record ConfigMapVolume(String name, String mountPath) implements VolumeMount {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.configMap(this);
        }

        public ConfigMapVolume {
            requireName(name, "ConfigMap");
            requirePath(mountPath);
        }

        @Override
        public boolean readOnly() {
            return true;
        }

        @Override
        public String volumeName() {
            return "configmap-" + name;
        }
    }

    /** Scratch space; {@code medium} "Memory" makes it a tmpfs (useful for /dev/shm in PyTorch data loaders). */
    record EmptyDir(String name, String mountPath, boolean memory, String sizeLimit) implements VolumeMount {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.emptyDir(this);
        }

        public EmptyDir {
            requireName(name, "emptyDir volume");
            requirePath(mountPath);
            if (sizeLimit != null && !Names.QUANTITY.matcher(sizeLimit).matches()) {
                throw new IllegalArgumentException("Invalid size limit '" + sizeLimit + "' of emptyDir volume " + name
                        + ": use a Kubernetes quantity such as \"1Gi\"");
            }
        }

        public static EmptyDir sharedMemory(String sizeLimit) {
            return new EmptyDir("dshm", "/dev/shm", true, sizeLimit);
        }

        @Override
        public boolean readOnly() {
            return false;
        }

        @Override
        public String volumeName() {
            return name;
        }
    }

    /**
     * A PersistentVolumeClaim whose name is known only at run time, typically the {@code VolumeClaim.CLAIM_NAME}
     * output of an earlier step; added with {@code Step.mountClaim}. The volume is named after the value it
     * reads, so two mounts of the same claim share one volume.
     */
    record ClaimFromValue(dev.fermion.plan.Expr claimName, String mountPath, boolean readOnly) implements VolumeMount {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.claimFromValue(this);
        }

        public ClaimFromValue {
            Objects.requireNonNull(claimName, "claimName");
            requirePath(mountPath);
        }

        @Override
        public String volumeName() {
            return "claim-"
                    + dev.fermion.contract.CacheKey.sha256(claimName.toString()).substring(0, 12);
        }
    }

    private static void requireName(String name, String what) {
        String clean = Names.sanitize(name);
        if (clean == null || !clean.equals(name) || name.length() > 50) {
            throw new IllegalArgumentException(
                    "Invalid " + what + " name '" + name + "': use a lowercase DNS-1123 name of at most 50 characters");
        }
    }

    private static void requirePath(String path) {
        Objects.requireNonNull(path, "mountPath");
        Names.requirePlain(path, "mount path");
        if (!path.startsWith("/") || path.contains("..") || path.startsWith("/fermion")) {
            throw new IllegalArgumentException("Invalid mount path '" + path
                    + "': use an absolute path without '..' outside /fermion (reserved for step inputs and outputs)");
        }
    }
}
