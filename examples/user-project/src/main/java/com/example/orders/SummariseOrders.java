package com.example.orders;

import dev.fermion.dsl.Component;
import dev.fermion.types.Dataset;
import dev.fermion.dsl.Input;
import dev.fermion.dsl.Output;
import dev.fermion.dsl.StepContext;

import java.nio.file.Files;
import java.util.List;

/** Total revenue and mean order value of an order book. */
public final class SummariseOrders extends Component {
    public static final Input<Dataset> BOOK = input("book", Dataset.class);
    public static final Output<Double> REVENUE = output("revenue", Double.class);
    public static final Output<Double> MEAN_ORDER = output("mean-order", Double.class);

    @Override
    protected void run(StepContext ctx) throws Exception {
        List<String> lines = Files.readAllLines(ctx.get(BOOK).file("orders.csv"));
        double revenue = 0;
        for (int row = 1; row < lines.size(); row++) {
            String[] fields = lines.get(row).split(",");
            if (fields.length != 3) {
                throw new IllegalArgumentException("orders.csv line " + (row + 1) + ": expected 3 columns, got " + fields.length);
            }
            revenue += Double.parseDouble(fields[2]);
        }
        int orders = lines.size() - 1;
        ctx.put(REVENUE, revenue);
        ctx.put(MEAN_ORDER, orders == 0 ? 0.0 : revenue / orders);
        ctx.metric("revenue", revenue);
    }
}
