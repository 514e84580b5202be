package com.example.orders;

import dev.fermion.dsl.ContainerCommand;
import dev.fermion.dsl.ContainerComponent;
import dev.fermion.types.Dataset;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.Placeholders;

/**
 * A Python script step, standing in for a team's existing analysis code: revenue per region of an order book,
 * as {@code regions.csv}, and the region with the most revenue. Runs in a container wherever the pipeline runs
 * (locally with Docker or Podman; on an air-gapped machine map the image with
 * {@code --image python:3.12-slim=localhost/python:3}).
 */
public final class RegionTotals extends ContainerComponent {
    public static final Input<Dataset> BOOK = input("book", Dataset.class);
    public static final Output<Dataset> TOTALS = output("totals", Dataset.class);
    public static final Output<String> TOP_REGION = output("top-region", String.class);

    @Override
    protected ContainerCommand command(Placeholders p) {
        return ContainerCommand.script("python:3.12-slim", "python3", """
                        import csv, os, pathlib
                        totals = {}
                        with open(pathlib.Path(os.environ["BOOK"], "orders.csv"), newline="") as book:
                            for row in csv.DictReader(book):
                                totals[row["region"]] = totals.get(row["region"], 0.0) + float(row["amount"])
                        with open(pathlib.Path(os.environ["TOTALS"], "regions.csv"), "w") as out:
                            out.write("region,revenue\\n")
                            for region in sorted(totals):
                                out.write(f"{region},{totals[region]:.2f}\\n")
                        top = max(sorted(totals), key=lambda region: totals[region])
                        pathlib.Path(os.environ["TOP"]).write_text(top)
                        """)
                .env("BOOK", p.path(BOOK)).env("TOTALS", p.outputPath(TOTALS)).env("TOP", p.outputPath(TOP_REGION));
    }
}
