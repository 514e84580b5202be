package dev.fermion.testfixtures;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each rule of the restricted profile catches what it forbids, and a pod that meets them all passes. */
class RestrictedPodSecurityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESTRICTED = """
            {"securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
             "initContainers": [{"name": "fetch", "securityContext": {"allowPrivilegeEscalation": false,
                 "capabilities": {"drop": ["ALL"]}}}],
             "containers": [{"name": "server", "ports": [{"containerPort": 8080}],
                 "securityContext": {"allowPrivilegeEscalation": false,
                     "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}}],
             "volumes": [{"name": "model", "emptyDir": {}}, {"name": "data", "persistentVolumeClaim": {"claimName": "d"}}]}
            """;

    private static ObjectNode pod() {
        try {
            return (ObjectNode) JSON.readTree(RESTRICTED);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode server(ObjectNode pod) {
        return (ObjectNode) pod.get("containers").get(0).get("securityContext");
    }

    private static void assertCaught(Consumer<ObjectNode> change, String violation) {
        ObjectNode pod = pod();
        change.accept(pod);
        assertThat(RestrictedPodSecurity.violations(pod))
                .anySatisfy(v -> assertThat(v).startsWith(violation));
    }

    @Test
    void aPodMeetingEveryRulePasses() {
        assertThat(RestrictedPodSecurity.violations(pod())).isEmpty();
        // Every container may confine itself instead of the pod.
        ObjectNode perContainer = pod();
        ((ObjectNode) perContainer.get("securityContext")).remove(List.of("runAsNonRoot", "seccompProfile"));
        for (String list : List.of("containers", "initContainers")) {
            ((ObjectNode) perContainer.get(list).get(0).get("securityContext"))
                    .put("runAsNonRoot", true)
                    .putObject("seccompProfile")
                    .put("type", "Localhost");
        }
        assertThat(RestrictedPodSecurity.violations(perContainer)).isEmpty();
    }

    @Test
    void eachRuleCatchesWhatItForbids() {
        assertCaught(
                p -> ((ObjectNode) p.get("securityContext"))
                        .putObject("windowsOptions")
                        .put("hostProcess", true),
                "HostProcess: pod");
        assertCaught(p -> p.put("hostNetwork", true), "host namespaces: hostNetwork");
        assertCaught(p -> p.put("hostPID", true), "host namespaces: hostPID");
        assertCaught(p -> p.put("hostIPC", true), "host namespaces: hostIPC");
        assertCaught(p -> server(p).put("privileged", true), "privileged containers: containers server");
        assertCaught(
                p -> p.withArray("volumes")
                        .addObject()
                        .put("name", "host")
                        .putObject("hostPath")
                        .put("path", "/"),
                "hostPath volumes: volume host");
        assertCaught(
                p -> ((ObjectNode) p.get("containers").get(0).get("ports").get(0)).put("hostPort", 80),
                "host ports: containers server");
        assertCaught(
                p -> server(p).putObject("appArmorProfile").put("type", "Unconfined"), "AppArmor: containers server");
        assertCaught(p -> server(p).putObject("seLinuxOptions").put("type", "spc_t"), "SELinux: containers server");
        assertCaught(
                p -> server(p).putObject("seLinuxOptions").put("user", "root"), "SELinux: containers server sets user");
        assertCaught(p -> server(p).put("procMount", "Unmasked"), "/proc mount type: containers server");
        assertCaught(
                p -> ((ObjectNode) p.get("securityContext"))
                        .putArray("sysctls")
                        .addObject()
                        .put("name", "kernel.msgmax"),
                "sysctls: pod sets kernel.msgmax");
        assertCaught(
                p -> p.withArray("volumes").addObject().put("name", "nfs").putObject("nfs"),
                "volume types: volume nfs is nfs");
        assertCaught(p -> server(p).remove("allowPrivilegeEscalation"), "privilege escalation: containers server");
        assertCaught(
                p -> ((ObjectNode) p.get("initContainers").get(0).get("securityContext"))
                        .put("allowPrivilegeEscalation", true),
                "privilege escalation: initContainers fetch");
        assertCaught(
                p -> ((ObjectNode) p.get("securityContext")).remove("runAsNonRoot"),
                "running as non-root: neither the pod nor containers server");
        assertCaught(
                p -> server(p).put("runAsNonRoot", false),
                "running as non-root: containers server sets runAsNonRoot: false");
        assertCaught(
                p -> ((ObjectNode) p.get("securityContext")).put("runAsUser", 0),
                "running as a non-root user: pod sets runAsUser: 0");
        assertCaught(
                p -> ((ObjectNode) p.get("securityContext")).remove("seccompProfile"),
                "seccomp: neither the pod nor initContainers fetch");
        assertCaught(
                p -> server(p).putObject("seccompProfile").put("type", "Unconfined"),
                "seccomp: containers server sets seccompProfile Unconfined");
        assertCaught(
                p -> ((ObjectNode) server(p).get("capabilities"))
                        .putArray("drop")
                        .add("NET_RAW"),
                "capabilities: containers server does not drop ALL");
        assertCaught(
                p -> ((ObjectNode) server(p).get("capabilities"))
                        .withArray("add")
                        .add("SYS_ADMIN"),
                "capabilities: containers server adds SYS_ADMIN");
        assertCaught(
                p -> p.withArray("ephemeralContainers").addObject().put("name", "debug"),
                "privilege escalation: ephemeralContainers debug");
    }
}
