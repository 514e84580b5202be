package dev.fermion.tracking.mlflow;

/**
 * A data set a run read, for {@code runs/log-inputs}.
 *
 * @param digest  at most 36 characters; MLflow keys data sets by (name, digest)
 * @param source  JSON describing where the data lives, interpreted according to {@code sourceType}
 * @param schema  JSON schema text, or null when the data set carries none
 * @param profile JSON of summary numbers ({@code {"num_rows": 150}}), or null
 * @param context why the run used it ({@code training}, {@code input}, ...), shown in the UI
 */
public record DatasetInput(
        String name, String digest, String sourceType, String source, String schema, String profile, String context) {

    public DatasetInput(String name, String digest, String sourceType, String source, String schema, String context) {
        this(name, digest, sourceType, source, schema, null, context);
    }
}
