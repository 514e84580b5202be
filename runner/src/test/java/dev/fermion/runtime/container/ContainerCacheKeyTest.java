package dev.fermion.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fermion.contract.CacheKey;
import dev.fermion.dsl.ContainerCommand;
import dev.fermion.dsl.ContainerComponent;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Pipeline;
import dev.fermion.dsl.Placeholders;
import dev.fermion.plan.Node;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerCacheKeyTest {

    public static final class Echo extends ContainerComponent {
        public static final Input<String> TEXT = input("text", String.class);
        public static final Output<String> OUT = output("out", String.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image("alpine:3.20")
                    .command("sh", "-c", "printf '%s' \"$1\" > \"$2\"", "echo")
                    .arg(p.value(TEXT))
                    .arg(p.outputPath(OUT));
        }
    }

    @Test
    void theKeyIsTheSharedCacheKeyOverTheCommandDigestAndTheInputs() {
        Node.ContainerNode echo = node(new Echo());

        String key = ContainerCacheKey.of(echo, Map.of("text", "hi"), Map.of());

        assertThat(key)
                .isEqualTo(CacheKey.compute(
                        Echo.class.getName(), "1", echo.container().digest(), Map.of("text", "hi"), Map.of()));
        assertThat(ContainerCacheKey.of(echo, Map.of("text", "ho"), Map.of())).isNotEqualTo(key);
        assertThat(ContainerCacheKey.of(echo, Map.of("text", "hi"), Map.of("data", "sha256:1")))
                .isNotEqualTo(key);
    }

    private static Node.ContainerNode node(Echo definition) {
        return (Node.ContainerNode) Pipeline.named("keys")
                .define(p -> p.step("echo", definition).with(Echo.TEXT, "x"))
                .plan()
                .graph()
                .node("echo")
                .orElseThrow();
    }
}
