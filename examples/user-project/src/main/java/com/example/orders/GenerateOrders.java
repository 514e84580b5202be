package com.example.orders;

import dev.fermion.dsl.Component;
import dev.fermion.types.Dataset;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;

import java.io.BufferedWriter;
import java.nio.file.Files;
import java.util.Locale;
import java.util.SplittableRandom;

/** Writes a reproducible synthetic order book: one CSV row per order. */
public final class GenerateOrders extends Component {
    public static final Input<Integer> ORDERS = input("orders", Integer.class).defaultValue(1_000);
    public static final Input<Long> SEED = input("seed", Long.class).defaultValue(7L);
    public static final Output<Dataset> BOOK = output("book", Dataset.class);

    @Override
    protected void run(StepContext ctx) throws Exception {
        int orders = ctx.get(ORDERS);
        if (orders < 1) {
            throw new IllegalArgumentException("input 'orders' must be at least 1, got " + orders);
        }
        SplittableRandom random = new SplittableRandom(ctx.get(SEED));
        Dataset book = ctx.output(BOOK);
        try (BufferedWriter out = Files.newBufferedWriter(book.file("orders.csv"))) {
            out.write("order_id,region,amount\n");
            String[] regions = {"north", "south", "east", "west"};
            for (int i = 0; i < orders; i++) {
                double amount = Math.round(random.nextDouble(5, 500) * 100) / 100.0;
                out.write(String.format(Locale.ROOT, "%d,%s,%.2f%n", i, regions[random.nextInt(regions.length)], amount));
            }
        }
        ctx.log("wrote %d orders", orders);
    }
}
