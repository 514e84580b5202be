package dev.fermion.runtime.container;

import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.ResourceCommand;
import dev.fermion.dsl.ResourceComponent;
import java.util.function.Supplier;

/** Resource steps over ConfigMaps, whose state a test sets in the manifest itself. */
public final class ResourceFixtures {
    private ResourceFixtures() {}

    /** Acts on an object and reports its name and one data field. */
    public static final class Named extends ResourceComponent {
        public static final Output<String> NAME = output("name", String.class);
        public static final Output<String> STATE = output("state", String.class);
        private final Supplier<ResourceCommand> command;

        public Named(Supplier<ResourceCommand> command) {
            this.command = command;
        }

        @Override
        protected ResourceCommand command() {
            return command.get().output(NAME, "{.metadata.name}").output(STATE, "{.data.state}");
        }
    }

    /** Acts on an object without outputs (a delete). */
    public static final class Silent extends ResourceComponent {
        private final Supplier<ResourceCommand> command;

        public Silent(Supplier<ResourceCommand> command) {
            this.command = command;
        }

        @Override
        protected ResourceCommand command() {
            return command.get();
        }
    }

    /** Sets a ConfigMap's state; which ConfigMap is its input. */
    public static final class SetState extends ResourceComponent {
        public static final Input<String> TARGET = input("target", String.class);
        private final String state;

        public SetState(String state) {
            this.state = state;
        }

        @Override
        protected ResourceCommand command() {
            return ResourceCommand.patch(
                            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: test\ndata:\n  state: " + state
                                    + "\n",
                            "merge")
                    .input(TARGET, "{.metadata.name}");
        }
    }

    static String configMap(String name, String state) {
        return """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  namespace: test
                data:
                  state: %s
                """.formatted(name, state);
    }
}
