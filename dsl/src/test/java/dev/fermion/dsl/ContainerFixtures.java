package dev.fermion.dsl;

import dev.fermion.types.Dataset;

/** Container, script and recursive definitions for the DSL tests, correct and wrong. */
public final class ContainerFixtures {
    private ContainerFixtures() {}

    public static final class Resize extends ContainerComponent {
        public static final Input<Integer> WIDTH = input("width", Integer.class).defaultValue(224);
        public static final Input<String> NOTE = input("note", String.class).optional();
        public static final Input<Dataset> IMAGES = input("images", Dataset.class);
        public static final Output<Dataset> RESIZED = output("resized", Dataset.class);
        public static final Output<Long> COUNT = output("count", Long.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image("ghcr.io/acme/resize:1.4")
                    .command("resize")
                    .arg("--width")
                    .arg(p.value(WIDTH))
                    .arg(p.path(IMAGES).prefixed("--in="))
                    .arg("--out")
                    .arg(p.outputPath(RESIZED))
                    .env("COUNT_FILE", p.outputPath(COUNT));
        }
    }

    /** Hands an optional input without default to the command. */
    public static final class UsesOptional extends ContainerComponent {
        public static final Input<String> NOTE = input("note", String.class).optional();

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image("alpine:3.20").command("echo").arg(p.value(NOTE));
        }
    }

    public static final class ForgetsOutput extends ContainerComponent {
        public static final Output<Long> COUNT = output("count", Long.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image("alpine:3.20").command("true");
        }
    }

    public static final class ValueOfArtifact extends ContainerComponent {
        public static final Input<Dataset> DATA = input("data", Dataset.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image("alpine:3.20").command("ls").arg(p.value(DATA));
        }
    }

    public static final class ForeignPort extends ContainerComponent {
        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image("alpine:3.20").command("echo").arg(p.value(Resize.WIDTH));
        }
    }

    public static final class BracesInScript extends ContainerComponent {
        public static final Output<String> OUT = output("out", String.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.script("python:3.12-slim", "python", "print(f'{{literal}}')")
                    .env("OUT", p.outputPath(OUT));
        }
    }

    public static final class ScriptWithArgs extends ContainerComponent {
        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.script("python:3.12-slim", "python", "print(1)")
                    .arg("--verbose");
        }
    }

    public static final class Check extends ContainerComponent {
        public static final Input<Integer> ROUND = input("round", Integer.class);
        public static final Output<Integer> NEXT = output("next", Integer.class);
        public static final Output<Boolean> AGAIN = output("again", Boolean.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.script(
                            "alpine:3.20", "sh", "echo $((ROUND + 1)) > \"$NEXT\"; echo true > \"$AGAIN\"")
                    .env("ROUND", p.value(ROUND))
                    .env("NEXT", p.outputPath(NEXT))
                    .env("AGAIN", p.outputPath(AGAIN));
        }
    }

    /** Do-while: checks, then runs itself again while the check says so, at most 4 levels deep. */
    public static final class Rounds extends SubPipeline {
        public static final Input<Integer> ROUND = input("round", Integer.class).defaultValue(0);
        public static final Output<Integer> LAST = output("last", Integer.class);

        @Override
        protected void define(Dag dag) {
            var check = dag.step("check", new Check()).with(Check.ROUND, dag.input(ROUND));
            dag.when(
                    check.out(Check.AGAIN).isTrue(),
                    b -> b.recurse("again", this, 4).with(ROUND, check.out(Check.NEXT)));
            dag.output(LAST, check.out(Check.NEXT));
        }
    }

    /** While: the condition on the input guards the whole body. */
    public static final class While extends SubPipeline {
        public static final Input<Integer> ROUND = input("round", Integer.class);

        @Override
        protected void define(Dag dag) {
            dag.when(dag.input(ROUND).lessThan(3), b -> {
                var check = b.step("check", new Check()).with(Check.ROUND, dag.input(ROUND));
                return b.recurse("again", this).with(ROUND, check.out(Check.NEXT));
            });
        }
    }

    public static final class Unconditional extends SubPipeline {
        public static final Input<Integer> ROUND = input("round", Integer.class);

        @Override
        protected void define(Dag dag) {
            dag.recurse("again", this).with(ROUND, dag.input(ROUND));
        }
    }

    public static final class RecursesIntoOther extends SubPipeline {
        @Override
        protected void define(Dag dag) {
            var check = dag.step("check", new Check()).with(Check.ROUND, 1);
            dag.when(check.out(Check.AGAIN).isTrue(), b -> b.recurse("other", new Rounds()));
        }
    }

    /** Declares an input but never writes it into its manifest. */
    public static final class ResourceWithInput extends ResourceComponent {
        public static final Input<String> NAME = input("name", String.class);

        @Override
        protected ResourceCommand command() {
            return ResourceCommand.create("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: x-\n");
        }
    }

    /** Labels a ConfigMap with the name of another object; {@code path} is where the name goes. */
    public static final class ResourceNamingAnother extends ResourceComponent {
        public static final Input<String> TARGET = input("target", String.class);
        public static final Output<String> NAME = output("name", String.class);
        public static final Output<String> UID = output("uid", String.class);
        private final String path;

        public ResourceNamingAnother(String path) {
            this.path = path;
        }

        @Override
        protected ResourceCommand command() {
            return ResourceCommand.create("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: x-\n")
                    .input(TARGET, path)
                    .output(NAME, "{.metadata.name}")
                    .output(UID, "{.metadata.uid}");
        }
    }

    /** A manifest that names no object for apply. */
    public static final class NamelessApply extends ResourceComponent {
        @Override
        protected ResourceCommand command() {
            return ResourceCommand.apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n");
        }
    }

    public static final class ResourceForgetsOutput extends ResourceComponent {
        public static final Output<String> UID = output("uid", String.class);

        @Override
        protected ResourceCommand command() {
            return ResourceCommand.create("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: x-\n");
        }
    }

    public static final class ResourceWithBraces extends ResourceComponent {
        @Override
        protected ResourceCommand command() {
            return ResourceCommand.create("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{workflow.name}}\n");
        }
    }
}
