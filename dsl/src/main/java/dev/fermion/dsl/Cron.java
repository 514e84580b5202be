package dev.fermion.dsl;

import dev.fermion.plan.Schedule;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Set;

/**
 * Checks schedules the way Argo's cron parser will read them: five fields (minute, hour, day of month,
 * month, day of week) with lists, ranges, steps and names, or one of the {@code @hourly}-style descriptors.
 */
final class Cron {
    private static final Set<String> DESCRIPTORS =
            Set.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");
    private static final String[] FIELDS = {"minute", "hour", "day of month", "month", "day of week"};
    /** Day of week is 0-6 (Sunday is 0): Argo's parser rejects the 7 that some crons accept for Sunday. */
    private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 6}};

    private static final String[] MONTHS = {
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
    };
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private Cron() {}

    static Schedule validate(String pipeline, Schedule schedule) {
        for (String cron : schedule.crons()) {
            String problem = problem(cron);
            if (problem != null) {
                throw new PipelineDefinitionException(
                        pipeline,
                        null,
                        "invalid cron schedule '" + cron + "': " + problem
                                + ". Use five fields, minute hour day-of-month month day-of-week, e.g. \"0 3 * * *\" for 03:00 daily");
            }
        }
        // Argo resolves the zone with Go's time.LoadLocation, which knows region names but not offsets
        // such as "+02:00" that ZoneId.of would also accept.
        if (schedule.timezone() != null && !ZoneId.getAvailableZoneIds().contains(schedule.timezone())) {
            throw new PipelineDefinitionException(
                    pipeline,
                    null,
                    "unknown schedule timezone '" + schedule.timezone()
                            + "': use an IANA name such as \"Europe/Berlin\" or \"UTC\"");
        }
        return schedule;
    }

    static String problem(String cron) {
        if (cron == null || cron.isBlank()) {
            return "it is empty";
        }
        String trimmed = cron.trim();
        if (trimmed.startsWith("@")) {
            if (DESCRIPTORS.contains(trimmed)) {
                return null;
            }
            if (trimmed.startsWith("@every ")
                    && trimmed.substring(7).trim().matches("([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+")) {
                return null;
            }
            return "unknown descriptor; use one of " + DESCRIPTORS + " or \"@every 1h30m\"";
        }
        String[] fields = trimmed.split("\\s+");
        if (fields.length != 5) {
            return "it has " + fields.length + " fields, not 5";
        }
        for (int i = 0; i < 5; i++) {
            String problem = field(fields[i], i);
            if (problem != null) {
                return "the " + FIELDS[i] + " field '" + fields[i] + "' " + problem;
            }
        }
        return null;
    }

    private static String field(String field, int index) {
        for (String part : field.split(",", -1)) {
            if (part.isEmpty()) {
                return "has an empty list item";
            }
            String range = part;
            if (part.contains("/")) {
                String[] split = part.split("/", -1);
                if (split.length != 2 || !split[1].matches("[0-9]+") || Integer.parseInt(split[1]) == 0) {
                    return "has an invalid step '" + part + "'";
                }
                range = split[0];
            }
            if (range.equals("*") || (range.equals("?") && (index == 2 || index == 4))) {
                continue;
            }
            String[] bounds = range.split("-", -1);
            if (bounds.length > 2) {
                return "has an invalid range '" + range + "'";
            }
            int low = value(bounds[0], index);
            int high = bounds.length == 2 ? value(bounds[1], index) : low;
            if (low < 0 || high < 0) {
                return "has a value outside " + RANGES[index][0] + "-" + RANGES[index][1];
            }
            if (low > high) {
                return "has a range '" + range + "' that runs backwards";
            }
        }
        return null;
    }

    private static int value(String token, int index) {
        String upper = token.toUpperCase(Locale.ROOT);
        String[] names = index == 3 ? MONTHS : index == 4 ? DAYS : null;
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(upper)) {
                    return index == 3 ? i + 1 : i;
                }
            }
        }
        if (!token.matches("[0-9]{1,2}")) {
            return -1;
        }
        int v = Integer.parseInt(token);
        return v < RANGES[index][0] || v > RANGES[index][1] ? -1 : v;
    }
}
