package dev.fermion.dsl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The cron check accepts what Argo's parser accepts and explains what it rejects. */
class CronTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0 3 * * *",
                "*/15 * * * *",
                "0 0 1 1 *",
                "59 23 31 12 6",
                "0 9 * * MON-FRI",
                "0 9 * * mon,wed,fri",
                "30 6 1 JAN *",
                "0 0 1 jan-mar,oct *",
                "0 0 ? * SUN",
                "0 0 1 * ?",
                "0-30/10 8-18 * * 1-5",
                "5/20 * * * *",
                "0,15,30,45 * * * *",
                "  0 3 * * *  ",
                "0\t3 * *  *",
                "@yearly",
                "@annually",
                "@monthly",
                "@weekly",
                "@daily",
                "@midnight",
                "@hourly",
                "@every 1h30m",
                "@every 90s",
                "@every 1.5h",
            })
    void valid(String cron) {
        assertThat(Cron.problem(cron)).isNull();
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', textBlock = """
            ''                | it is empty
            '   '             | it is empty
            0 3 * *           | it has 4 fields, not 5
            0 0 3 * * *       | it has 6 fields, not 5
            daily             | it has 1 fields, not 5
            60 * * * *        | the minute field '60' has a value outside 0-59
            * 24 * * *        | the hour field '24' has a value outside 0-23
            0 0 0 * *         | the day of month field '0' has a value outside 1-31
            0 0 32 * *        | the day of month field '32' has a value outside 1-31
            0 0 1 13 *        | the month field '13' has a value outside 1-12
            0 0 * * 7         | the day of week field '7' has a value outside 0-6
            -1 * * * *        | the minute field '-1' has a value outside 0-59
            MON * * * *       | the minute field 'MON' has a value outside 0-59
            0 0 * MON *       | the month field 'MON' has a value outside 1-12
            0 0 * * JAN       | the day of week field 'JAN' has a value outside 0-6
            0 0 * * MONDAY    | the day of week field 'MONDAY' has a value outside 0-6
            ? * * * *         | the minute field '?' has a value outside 0-59
            30-10 * * * *     | the minute field '30-10' has a range '30-10' that runs backwards
            0 0 * * FRI-MON   | the day of week field 'FRI-MON' has a range 'FRI-MON' that runs backwards
            0 0 * DEC-JAN *   | the month field 'DEC-JAN' has a range 'DEC-JAN' that runs backwards
            1-2-3 * * * *     | the minute field '1-2-3' has an invalid range '1-2-3'
            */0 * * * *       | the minute field '*/0' has an invalid step '*/0'
            */ * * * *        | the minute field '*/' has an invalid step '*/'
            */x * * * *       | the minute field '*/x' has an invalid step '*/x'
            1/2/3 * * * *     | the minute field '1/2/3' has an invalid step '1/2/3'
            1,,2 * * * *      | the minute field '1,,2' has an empty list item
            '1, * * * *'      | the minute field '1,' has an empty list item
            @fortnightly      | unknown descriptor
            @every            | unknown descriptor
            @every 5 minutes  | unknown descriptor
            @DAILY            | unknown descriptor
            """)
    void invalid(String cron, String problem) {
        assertThat(Cron.problem(cron)).isNotNull().startsWith(problem);
    }
}
