package dev.fermion.components;

import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fermion.dsl.BadInputException;
import org.assertj.core.api.ThrowableAssert;

/**
 * Finds the {@link BadInputException} in what a step threw, as the launcher does: it walks the cause chain,
 * so a runner may wrap it, but nothing may drop it.
 */
public final class BadInput {
    private BadInput() {}

    /** The bad input that {@code call} fails with; an assertion error when it succeeds or fails otherwise. */
    public static BadInputException thrownBy(ThrowableAssert.ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        if (thrown == null) {
            throw new AssertionError("Expected bad input, but nothing was thrown");
        }
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof BadInputException badInput) {
                return badInput;
            }
        }
        throw new AssertionError("Expected bad input in the cause chain of " + thrown, thrown);
    }
}
