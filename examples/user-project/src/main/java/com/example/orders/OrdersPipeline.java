package com.example.orders;

import dev.fermion.dsl.FermionPipeline;
import dev.fermion.dsl.Param;
import dev.fermion.dsl.Pipeline;

/**
 * A user's own pipeline: generate an order book, summarise it (in Java) and total it per region (a Python
 * script step), and flag it for review above a threshold.
 */
public final class OrdersPipeline {
    @FermionPipeline
    public static Pipeline ordersReview() {
        return Pipeline.named("orders-review").define(p -> {
            Param<Integer> orders = p.param("orders", 1_000);
            Param<Double> threshold = p.param("review-threshold", 200_000.0);
            var book = p.step("generate", new GenerateOrders()).with(GenerateOrders.ORDERS, orders);
            var summary = p.step("summarise", new SummariseOrders()).with(SummariseOrders.BOOK, book.out(GenerateOrders.BOOK));
            p.step("regions", new RegionTotals()).with(RegionTotals.BOOK, book.out(GenerateOrders.BOOK));
            p.when(summary.out(SummariseOrders.REVENUE).atLeast(threshold), b -> b.step("flag", new FlagForReview())
                    .with(FlagForReview.REVENUE, summary.out(SummariseOrders.REVENUE))
                    .with(FlagForReview.THRESHOLD, threshold));
        });
    }
}
