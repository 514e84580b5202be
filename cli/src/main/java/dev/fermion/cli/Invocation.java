package dev.fermion.cli;

import java.util.regex.Pattern;

/**
 * The command as the user typed it, for the commands Fermion suggests: {@code ./fermion} when run from the
 * repository, {@code fermion} when on the PATH. The {@code fermion} script passes it in the
 * {@value #PROPERTY} system property; anything else that starts the CLI gets {@code fermion}.
 */
final class Invocation {
    static final String PROPERTY = "fermion.command";
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./=:,@%+-]+");

    private Invocation() {}

    static String command() {
        String command = System.getProperty(PROPERTY);
        return command == null || command.isBlank() ? "fermion" : quote(command);
    }

    /** {@code word} as one word of a POSIX shell command: as it is when plain, else single-quoted. */
    static String quote(String word) {
        return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
