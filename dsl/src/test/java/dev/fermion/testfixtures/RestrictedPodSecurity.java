package dev.fermion.testfixtures;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Kubernetes Pod Security Standards' {@code restricted} profile (policy version {@code latest}, as of
 * Kubernetes 1.33), as a check on a pod spec: what a namespace labelled
 * {@code pod-security.kubernetes.io/enforce: restricted} admits. For the tests of everything that creates
 * pods, shared through this module's test jar.
 *
 * <p>The input is a pod spec as a Jackson tree: a Pod's {@code spec}, a Deployment's
 * {@code spec.template.spec}, a KServe predictor (a pod spec inline), or, for an Argo template, a tree put
 * together as its pod will be: the workflow's or template's {@code securityContext} as the pod's,
 * {@code container} or {@code script} as the one container, and its {@code initContainers} and
 * {@code volumes}. Convert fabric8 objects with {@code new ObjectMapper().valueToTree(spec)}. The check
 * reads the spec only: AppArmor annotations on the pod's metadata are not seen.
 *
 * <p>Every rule of the profile, baseline's included; "containers" means containers, init containers and
 * ephemeral containers:
 * <ol>
 *   <li>HostProcess: no {@code windowsOptions.hostProcess: true} on the pod or a container.</li>
 *   <li>Host namespaces: {@code hostNetwork}, {@code hostPID} and {@code hostIPC} unset or false.</li>
 *   <li>Privileged containers: no {@code privileged: true}.</li>
 *   <li>HostPath volumes: none.</li>
 *   <li>Host ports: no container port with a non-zero {@code hostPort}.</li>
 *   <li>AppArmor: {@code appArmorProfile.type} unset, {@code RuntimeDefault} or {@code Localhost}.</li>
 *   <li>SELinux: {@code seLinuxOptions.type} unset or one of the container types, {@code user} and
 *   {@code role} unset.</li>
 *   <li>/proc mount type: {@code procMount} unset or {@code Default}.</li>
 *   <li>Sysctls: only the safe set.</li>
 *   <li>Volume types: only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim,
 *   projected and secret.</li>
 *   <li>Privilege escalation: every container sets {@code allowPrivilegeEscalation: false}.</li>
 *   <li>Running as non-root: {@code runAsNonRoot: true} on the pod or on every container, and false on
 *   none.</li>
 *   <li>Running as a non-root user: {@code runAsUser} is not 0 on the pod or any container.</li>
 *   <li>Seccomp: {@code seccompProfile.type} {@code RuntimeDefault} or {@code Localhost} on the pod or on
 *   every container, and {@code Unconfined} on none.</li>
 *   <li>Capabilities: every container drops {@code ALL} and adds nothing but {@code NET_BIND_SERVICE}.</li>
 * </ol>
 */
public final class RestrictedPodSecurity {
    private static final Set<String> SELINUX_TYPES =
            Set.of("container_t", "container_init_t", "container_kvm_t", "container_engine_t");
    private static final Set<String> SAFE_SYSCTLS = Set.of(
            "kernel.shm_rmid_forced",
            "net.ipv4.ip_local_port_range",
            "net.ipv4.ip_unprivileged_port_start",
            "net.ipv4.tcp_syncookies",
            "net.ipv4.ping_group_range",
            "net.ipv4.ip_local_reserved_ports",
            "net.ipv4.tcp_keepalive_time",
            "net.ipv4.tcp_fin_timeout",
            "net.ipv4.tcp_keepalive_intvl",
            "net.ipv4.tcp_keepalive_probes");
    private static final Set<String> VOLUME_TYPES = Set.of(
            "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret");
    private static final Set<String> CONFINED = Set.of("RuntimeDefault", "Localhost");
    private static final List<String> CONTAINER_LISTS = List.of("containers", "initContainers", "ephemeralContainers");

    private RestrictedPodSecurity() {}

    /** What keeps {@code pod} out of a restricted namespace, one line per violation naming rule and field; empty if nothing. */
    public static List<String> violations(JsonNode pod) {
        List<String> found = new ArrayList<>();
        JsonNode podContext = pod.path("securityContext");
        for (String field : List.of("hostNetwork", "hostPID", "hostIPC")) {
            if (pod.path(field).asBoolean(false)) {
                found.add("host namespaces: " + field + " is true");
            }
        }
        checkContext(found, "pod", podContext);
        for (JsonNode sysctl : podContext.path("sysctls")) {
            if (!SAFE_SYSCTLS.contains(sysctl.path("name").asText())) {
                found.add("sysctls: pod sets " + sysctl.path("name").asText() + ", not a safe sysctl");
            }
        }
        for (JsonNode volume : pod.path("volumes")) {
            volume.fieldNames().forEachRemaining(type -> {
                if (!type.equals("name") && !VOLUME_TYPES.contains(type)) {
                    found.add("volume types: volume " + volume.path("name").asText() + " is " + type);
                }
            });
        }
        boolean podNonRoot = podContext.path("runAsNonRoot").asBoolean(false);
        boolean podConfined =
                CONFINED.contains(podContext.path("seccompProfile").path("type").asText());
        for (String list : CONTAINER_LISTS) {
            for (JsonNode container : pod.path(list)) {
                String where = list + " " + container.path("name").asText();
                JsonNode context = container.path("securityContext");
                checkContext(found, where, context);
                if (context.path("privileged").asBoolean(false)) {
                    found.add("privileged containers: " + where + " is privileged");
                }
                if (!context.path("procMount").asText("Default").equals("Default")) {
                    found.add("/proc mount type: " + where + " sets procMount "
                            + context.path("procMount").asText());
                }
                for (JsonNode port : container.path("ports")) {
                    if (port.path("hostPort").asInt(0) != 0) {
                        found.add("host ports: " + where + " uses host port "
                                + port.path("hostPort").asInt());
                    }
                }
                if (!context.path("allowPrivilegeEscalation").isBoolean()
                        || context.path("allowPrivilegeEscalation").asBoolean()) {
                    found.add("privilege escalation: " + where + " does not set allowPrivilegeEscalation: false");
                }
                if (!podNonRoot && !context.path("runAsNonRoot").asBoolean(false)) {
                    found.add("running as non-root: neither the pod nor " + where + " sets runAsNonRoot: true");
                }
                if (!podConfined
                        && !CONFINED.contains(
                                context.path("seccompProfile").path("type").asText())) {
                    found.add("seccomp: neither the pod nor " + where
                            + " sets seccompProfile RuntimeDefault or Localhost");
                }
                List<String> drop = new ArrayList<>();
                context.path("capabilities").path("drop").forEach(c -> drop.add(c.asText()));
                if (!drop.contains("ALL")) {
                    found.add("capabilities: " + where + " does not drop ALL");
                }
                for (JsonNode add : context.path("capabilities").path("add")) {
                    if (!add.asText().equals("NET_BIND_SERVICE")) {
                        found.add("capabilities: " + where + " adds " + add.asText());
                    }
                }
            }
        }
        for (JsonNode volume : pod.path("volumes")) {
            if (volume.has("hostPath")) {
                found.add("hostPath volumes: volume " + volume.path("name").asText() + " mounts a host path");
            }
        }
        return found;
    }

    /** The rules a pod's and a container's security context share. */
    private static void checkContext(List<String> found, String where, JsonNode context) {
        if (context.path("windowsOptions").path("hostProcess").asBoolean(false)) {
            found.add("HostProcess: " + where + " sets windowsOptions.hostProcess");
        }
        if (context.has("runAsNonRoot") && !context.path("runAsNonRoot").asBoolean()) {
            found.add("running as non-root: " + where + " sets runAsNonRoot: false");
        }
        if (context.has("runAsUser") && context.path("runAsUser").asLong() == 0) {
            found.add("running as a non-root user: " + where + " sets runAsUser: 0");
        }
        String seccomp = context.path("seccompProfile").path("type").asText("");
        if (seccomp.equals("Unconfined")) {
            found.add("seccomp: " + where + " sets seccompProfile Unconfined");
        }
        String appArmor = context.path("appArmorProfile").path("type").asText("");
        if (!appArmor.isEmpty() && !CONFINED.contains(appArmor)) {
            found.add("AppArmor: " + where + " sets appArmorProfile " + appArmor);
        }
        JsonNode seLinux = context.path("seLinuxOptions");
        String type = seLinux.path("type").asText("");
        if (!type.isEmpty() && !SELINUX_TYPES.contains(type)) {
            found.add("SELinux: " + where + " sets type " + type);
        }
        for (String field : List.of("user", "role")) {
            if (!seLinux.path(field).asText("").isEmpty()) {
                found.add("SELinux: " + where + " sets " + field);
            }
        }
    }
}
