package dev.fermion.plan;

import java.util.List;

/** A condition on step outputs and parameters, deciding whether a step runs. */
public sealed interface Cond {

    enum Op {
        EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">=");

        private final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        public Op negate() {
            return switch (this) {
                case EQ -> NE;
                case NE -> EQ;
                case LT -> GE;
                case LE -> GT;
                case GT -> LE;
                case GE -> LT;
            };
        }
    }

    record Compare(Expr left, Op op, Expr right) implements Cond { }

    record IsTrue(Expr value) implements Cond { }

    record All(List<Cond> terms) implements Cond {
        public All {
            terms = List.copyOf(terms);
        }
    }

    record Any(List<Cond> terms) implements Cond {
        public Any {
            terms = List.copyOf(terms);
        }
    }

    record Not(Cond term) implements Cond { }

    static Cond and(Cond a, Cond b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return new All(List.of(a, b));
    }
}
