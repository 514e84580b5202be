package dev.fermion.examples.volumes;

import dev.fermion.dsl.ContainerCommand;
import dev.fermion.dsl.ContainerComponent;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Placeholders;

/**
 * An inline Python script, standing in for a team's existing data-generation tool: writes a labelled,
 * seeded two-class data set of {@code rows} points to {@code points.csv} in the directory {@code dir}
 * (a mounted volume) and reports how many rows it wrote.
 */
public final class GeneratePoints extends ContainerComponent {
    public static final Input<String> DIR = input("dir", String.class).describedAs("the directory to write into");
    public static final Input<Integer> ROWS = input("rows", Integer.class).defaultValue(1000);
    public static final Input<Integer> SEED = input("seed", Integer.class).defaultValue(7);
    public static final Output<Integer> WRITTEN = output("written", Integer.class);

    @Override
    protected ContainerCommand command(Placeholders p) {
        return ContainerCommand.script("python:3.12-slim", "python3", """
                        import os, pathlib, random
                        rows, rng = int(os.environ["ROWS"]), random.Random(int(os.environ["SEED"]))
                        with open(pathlib.Path(os.environ["DIR"], "points.csv"), "w") as out:
                            out.write("x,y,label\\n")
                            for i in range(rows):
                                label = i % 2
                                out.write(f"{rng.gauss(2 * label, 1):.4f},{rng.gauss(-label, 1):.4f},c{label}\\n")
                        pathlib.Path(os.environ["WRITTEN"]).write_text(str(rows))
                        """)
                .env("DIR", p.value(DIR))
                .env("ROWS", p.value(ROWS))
                .env("SEED", p.value(SEED))
                .env("WRITTEN", p.outputPath(WRITTEN));
    }
}
