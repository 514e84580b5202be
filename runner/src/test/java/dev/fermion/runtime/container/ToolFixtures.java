package dev.fermion.runtime.container;

import dev.fermion.dsl.Component;
import dev.fermion.dsl.ContainerCommand;
import dev.fermion.dsl.ContainerComponent;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Placeholders;
import dev.fermion.dsl.StepContext;
import dev.fermion.types.Dataset;
import java.nio.file.Files;

/** Java, container (sh) and script (python3) steps that hand parameters and artifacts to each other. */
public final class ToolFixtures {
    private ToolFixtures() {}

    /** Java: writes a CSV and a label. */
    public static final class Produce extends Component {
        public static final Input<Integer> ROWS = input("rows", Integer.class);
        public static final Output<Dataset> DATA = output("data", Dataset.class);
        public static final Output<String> LABEL = output("label", String.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            Dataset data = ctx.output(DATA);
            StringBuilder csv = new StringBuilder();
            for (int i = 1; i <= ctx.get(ROWS); i++) {
                csv.append(i).append(",x\n");
            }
            Files.writeString(data.file("rows.csv"), csv);
            ctx.put(LABEL, "it's \"quoted\"; $HOME `no` shell");
        }
    }

    /** Container (sh): counts the CSV's lines and copies it with the label next to it. */
    public static final class CountLines extends ContainerComponent {
        public static final Input<Dataset> DATA = input("data", Dataset.class);
        public static final Input<String> LABEL = input("label", String.class);
        public static final Output<Long> LINES = output("lines", Long.class);
        public static final Output<Dataset> COPY = output("copy", Dataset.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image("alpine:3.20")
                    .command(
                            "sh",
                            "-c",
                            "wc -l < \"$1/rows.csv\" | tr -d ' ' > \"$2\"; cp \"$1/rows.csv\" \"$3/\"; "
                                    + "printf '%s' \"$4\" > \"$3/label.txt\"; printf '%s' \"$GREETING\" > \"$3/greeting.txt\"",
                            "count")
                    .arg(p.path(DATA))
                    .arg(p.outputPath(LINES))
                    .arg(p.outputPath(COPY))
                    .arg(p.value(LABEL))
                    .env("GREETING", p.value(LABEL).prefixed("hello "));
        }
    }

    /** Script (python3): reads the copy and the count, writes a report and a summary. */
    public static final class Annotate extends ContainerComponent {
        public static final Input<Long> LINES = input("lines", Long.class);
        public static final Input<Dataset> COPY = input("copy", Dataset.class);
        public static final Output<Dataset> REPORT = output("report", Dataset.class);
        public static final Output<String> SUMMARY = output("summary", String.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.script("python:3.12-slim", "python3", """
                            import os, pathlib
                            copy = pathlib.Path(os.environ["COPY"])
                            rows = (copy / "rows.csv").read_text().splitlines()
                            label = (copy / "label.txt").read_text()
                            assert len(rows) == int(os.environ["LINES"])
                            (pathlib.Path(os.environ["REPORT"]) / "report.txt").write_text(label + "|" + str(len(rows)))
                            pathlib.Path(os.environ["SUMMARY"]).write_text("rows=" + str(len(rows)) + "\\n")
                            """)
                    .env("LINES", p.value(LINES))
                    .env("COPY", p.path(COPY))
                    .env("REPORT", p.outputPath(REPORT))
                    .env("SUMMARY", p.outputPath(SUMMARY));
        }
    }

    /** Java: reads what the script wrote. */
    public static final class Consume extends Component {
        public static final Input<Dataset> REPORT = input("report", Dataset.class);
        public static final Input<String> SUMMARY = input("summary", String.class);
        public static final Output<String> RESULT = output("result", String.class);

        @Override
        protected void run(StepContext ctx) throws Exception {
            ctx.put(
                    RESULT,
                    ctx.get(SUMMARY) + " / " + Files.readString(ctx.get(REPORT).file("report.txt")));
        }
    }

    /** Container (sh): exits with the given status and writes nothing. */
    public static final class Fail extends ContainerComponent {
        public static final Input<Integer> STATUS = input("status", Integer.class);
        public static final Output<Integer> NEVER = output("never", Integer.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image("alpine:3.20")
                    .command("sh", "-c", "echo failing >&2; exit \"$1\"", "fail")
                    .arg(p.value(STATUS))
                    .env("NEVER", p.outputPath(NEVER));
        }
    }

    /** Container (sh): writes a value that is not a number to an Integer output. */
    public static final class WrongType extends ContainerComponent {
        public static final Output<Integer> NUMBER = output("number", Integer.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image("alpine:3.20")
                    .command("sh", "-c", "echo twelve > \"$1\"", "wrong")
                    .arg(p.outputPath(NUMBER));
        }
    }

    /** Relies on the image's entrypoint, which host mode cannot run. */
    public static final class Entrypoint extends ContainerComponent {
        public static final Output<String> TEXT = output("text", String.class);

        @Override
        protected ContainerCommand command(Placeholders p) {
            return ContainerCommand.image("ghcr.io/acme/tool:1").arg("--out").arg(p.outputPath(TEXT));
        }
    }
}
