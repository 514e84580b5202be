package dev.fermion.plan;

import java.util.List;

/** A condition on step outputs and parameters, deciding whether a step runs. */
public sealed interface Cond {

    /** Dispatches on the kind, so that code handling every kind stops compiling when a kind is added. */
    <R> R accept(Visitor<R> visitor);

    /** One method per kind of condition. */
    interface Visitor<R> {
        R compare(Cond.Compare compare);

        R isTrue(Cond.IsTrue isTrue);

        R all(Cond.All all);

        R any(Cond.Any any);

        R not(Cond.Not not);
    }

    enum Op {
        EQ("=="),
        NE("!="),
        LT("<"),
        LE("<="),
        GT(">"),
        GE(">=");

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

    record Compare(Expr left, Op op, Expr right) implements Cond {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.compare(this);
        }
    }

    record IsTrue(Expr value) implements Cond {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.isTrue(this);
        }
    }

    record All(List<Cond> terms) implements Cond {
        public All {
            terms = List.copyOf(terms);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.all(this);
        }
    }

    record Any(List<Cond> terms) implements Cond {
        public Any {
            terms = List.copyOf(terms);
        }

        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.any(this);
        }
    }

    record Not(Cond term) implements Cond {
        @Override
        public <R> R accept(Visitor<R> visitor) {
            return visitor.not(this);
        }
    }

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
