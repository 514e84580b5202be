package dev.fermion.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ManifestFieldTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode object(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void setsAFieldCreatingTheObjectsOnTheWay() throws Exception {
        ObjectNode snapshot = object("{\"kind\":\"VolumeSnapshot\",\"spec\":{\"source\":{}}}");

        new ManifestField("{.spec.source.persistentVolumeClaimName}").set(snapshot, "data-x1");
        new ManifestField("{.metadata.annotations.owner}").set(snapshot, "team-a");

        assertThat(snapshot.toString())
                .isEqualTo(
                        "{\"kind\":\"VolumeSnapshot\",\"spec\":{\"source\":"
                                + "{\"persistentVolumeClaimName\":\"data-x1\"}},\"metadata\":{\"annotations\":{\"owner\":\"team-a\"}}}");
    }

    @Test
    void walksIntoExistingListElementsOnly() throws Exception {
        ObjectNode job =
                object("{\"spec\":{\"volumes\":[{\"name\":\"data\",\"persistentVolumeClaim\":{\"claimName\":\"\"}}],"
                        + "\"args\":[\"a\",\"b\"]}}");

        new ManifestField("{.spec.volumes[0].persistentVolumeClaim.claimName}").set(job, "claim-1");
        new ManifestField("{.spec.args[1]}").set(job, "c");

        assertThat(job.at("/spec/volumes/0/persistentVolumeClaim/claimName").asText())
                .isEqualTo("claim-1");
        assertThat(job.at("/spec/args").toString()).isEqualTo("[\"a\",\"c\"]");
        var missing = assertThrows(
                IllegalArgumentException.class, () -> new ManifestField("{.spec.volumes[1].name}").set(job, "x"));
        assertThat(missing.getMessage()).contains("{.spec.volumes} has 1 elements, so no element 1");
        var scalar = assertThrows(
                IllegalArgumentException.class, () -> new ManifestField("{.spec.args.first}").set(job, "x"));
        assertThat(scalar.getMessage()).contains("{.spec.args} is not an object");
        var notList = assertThrows(IllegalArgumentException.class, () -> new ManifestField("{.spec[0]}").set(job, "x"));
        assertThat(notList.getMessage()).contains("{.spec} is not a list");
    }

    @Test
    void onlyPlainFieldPathsAreAccepted() {
        for (String bad :
                new String[] {"spec.name", "{.spec..name}", "{$.spec}", "{.spec[*].name}", "{.a['b']}", "{}", "{.a}x"
                }) {
            var e = assertThrows(IllegalArgumentException.class, () -> new ManifestField(bad), bad);
            assertThat(e.getMessage()).contains("is not a field path", "{.spec.source.persistentVolumeClaimName}");
        }
    }

    @Test
    void objectNamesAreDnsSubdomains() {
        assertThat(ManifestField.isObjectName("fermion-x7k2p")).isTrue();
        assertThat(ManifestField.isObjectName("data.v2")).isTrue();
        for (String bad :
                new String[] {"", "Data", "-x", "x-", "a b", "x\nkind: Secret", "{{workflow.name}}", "a".repeat(254)}) {
            assertThat(ManifestField.isObjectName(bad)).as(bad).isFalse();
        }
        var e = assertThrows(
                IllegalArgumentException.class, () -> ManifestField.requireObjectName("A", "input 'claim'"));
        assertThat(e.getMessage()).contains("input 'claim' is 'A', which is not a Kubernetes object name");
    }
}
