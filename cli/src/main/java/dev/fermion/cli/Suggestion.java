package dev.fermion.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * "Did you mean" for a mistyped command: the commands fewest edits away (insertions, deletions, changes and
 * swaps of neighbouring letters), when they are close enough to be a guess at all. picocli's own suggestion
 * compares pairs of letters, so it has nothing to say about {@code trian}; this one says {@code run}.
 */
final class Suggestion {
    private static final int MAX_EDITS = 3;

    private Suggestion() {}

    /**
     * Prints what {@code ex}'s user may have meant: for an unknown command, a command close to it; for an
     * unknown option, picocli's options that start alike. Nothing when nothing is close.
     */
    static void print(CommandLine.ParameterException ex, PrintWriter err) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException unmatched)
                || unmatched.getUnmatched().isEmpty()) {
            return;
        }
        if (unmatched.isUnknownOption()) {
            unmatched.printSuggestions(err);
            return;
        }
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        List<String> closest = closest(
                unmatched.getUnmatched().get(0),
                new ArrayList<>(spec.subcommands().keySet()));
        if (!closest.isEmpty()) {
            List<String> commands = closest.stream()
                    .map(name -> spec.qualifiedName() + " " + name)
                    .toList();
            err.println("Did you mean: " + String.join(" or ", commands) + "?");
        }
    }

    /** The candidates fewest edits from {@code typed}, if at most three and at most 60% of its letters. */
    static List<String> closest(String typed, List<String> candidates) {
        int best = Integer.MAX_VALUE;
        List<String> closest = new ArrayList<>();
        for (String candidate : candidates) {
            int edits = edits(typed, candidate);
            if (edits < best) {
                best = edits;
                closest.clear();
            }
            if (edits == best) {
                closest.add(candidate);
            }
        }
        boolean close = best <= MAX_EDITS && best * 5 <= typed.length() * 3;
        return close ? closest : List.of();
    }

    /** The optimal string alignment distance: Levenshtein's, with a swap of neighbours as one edit. */
    static int edits(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int change = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + change);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
