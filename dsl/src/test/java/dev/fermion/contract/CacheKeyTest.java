package dev.fermion.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
    private static final Map<String, String> PARAMS = ordered("epochs", "30", "rate", "0.1", "note", "");
    private static final Map<String, String> INPUTS = ordered("data", "sha256:aa", "labels", "sha256:bb");

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static String key(
            String component, String version, String code, Map<String, String> params, Map<String, String> inputs) {
        return CacheKey.compute(component, version, code, params, inputs);
    }

    private static String base() {
        return key("com.acme.Train", "1", "abc123", PARAMS, INPUTS);
    }

    @Test
    void sameInputsGiveTheSameKeyWhateverTheMapOrder() {
        String reordered = key(
                "com.acme.Train",
                "1",
                "abc123",
                ordered("note", "", "rate", "0.1", "epochs", "30"),
                ordered("labels", "sha256:bb", "data", "sha256:aa"));
        assertThat(reordered).isEqualTo(base()).hasSize(64).matches("[0-9a-f]+");
    }

    @Test
    void materialIsReadableAndSorted() {
        assertThat(CacheKey.material("C", "1", "d", ordered("b", "2", "a", "1"), ordered("x", "h")))
                .isEqualTo("fermion-cache-v1\ncomponent=C\nversion=1\ncode=d\nparam:a=1\nparam:b=2\ninput:x=h\n");
    }

    @Test
    void anyChangeGivesADifferentKey() {
        List<String> variants = List.of(
                key("com.acme.Other", "1", "abc123", PARAMS, INPUTS),
                key("com.acme.Train", "2", "abc123", PARAMS, INPUTS),
                key("com.acme.Train", "1", "abc124", PARAMS, INPUTS),
                key("com.acme.Train", "1", "abc123", ordered("epochs", "31", "rate", "0.1", "note", ""), INPUTS),
                key("com.acme.Train", "1", "abc123", ordered("epochs", "30", "rate", "0.1"), INPUTS),
                key("com.acme.Train", "1", "abc123", ordered("epochs", "30", "rate", "0.1", "notes", ""), INPUTS),
                key("com.acme.Train", "1", "abc123", PARAMS, ordered("data", "sha256:ab", "labels", "sha256:bb")),
                key("com.acme.Train", "1", "abc123", PARAMS, ordered("data", "sha256:aa")),
                key(
                        "com.acme.Train",
                        "1",
                        "abc123",
                        ordered("epochs", "30", "rate", "0.1", "note", "", "data", "sha256:aa"),
                        ordered("labels", "sha256:bb")));
        assertThat(variants).doesNotContain(base()).doesNotHaveDuplicates();
    }

    @Test
    void aValueHoldingALineBreakCannotImitateAnotherField() {
        String smuggled = key("C", "1", "d", ordered("a", "1\nparam:b=2"), Map.of());
        String separate = key("C", "1", "d", ordered("a", "1", "b", "2"), Map.of());
        assertThat(smuggled).isNotEqualTo(separate);
        String versionSmuggled = key("C", "1\ncode=d", "e", Map.of(), Map.of());
        assertThat(versionSmuggled).isNotEqualTo(key("C", "1", "d\ncode=e", Map.of(), Map.of()));
        assertThat(key("C", "1", "d", ordered("a", "x\\ny"), Map.of()))
                .isNotEqualTo(key("C", "1", "d", ordered("a", "x\ny"), Map.of()));
    }
}
