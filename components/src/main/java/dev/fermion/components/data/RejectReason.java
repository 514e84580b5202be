package dev.fermion.components.data;

/** Why a row was rejected, and what fixes rows rejected for it; reports count rejected rows by reason. */
enum RejectReason {
    EMPTY_LINE("empty line", "remove blank lines from the source"),
    MALFORMED_CSV(
            "malformed CSV",
            "quote values that hold commas or quotes with double quotes, and double the " + "quotes inside them"),
    FIELD_COUNT(
            "wrong number of fields",
            "give every row as many fields as the header; check the separator "
                    + "(a comma) and quote values that hold commas"),
    LINE_BREAK("line break in a value", "replace line breaks inside values"),
    NOT_A_NUMBER(
            "not a number",
            "correct the values, list placeholder spellings such as '-' in "
                    + "'missing-values', or declare the column categorical in 'schema'"),
    NOT_FINITE(
            "not a finite number",
            "correct the values (infinities and NaN are not data), or list their "
                    + "spellings in 'missing-values' to treat them as missing"),
    OUT_OF_RANGE("outside its range", "correct the values or widen the column's entry in 'ranges'"),
    MISSING_REQUIRED(
            "required value missing",
            "fill in the values, or drop the column from 'required' (the " + "label is always required)"),
    DUPLICATE_ID(
            "duplicate id",
            "make the values of 'id-column' unique, or leave 'id-column' unset to identify " + "rows by their line");

    private final String description;
    private final String fix;

    RejectReason(String description, String fix) {
        this.description = description;
        this.fix = fix;
    }

    String description() {
        return description;
    }

    String fix() {
        return fix;
    }
}
