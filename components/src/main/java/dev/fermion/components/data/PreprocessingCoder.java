package dev.fermion.components.data;

import dev.fermion.components.preprocess.Feature;
import dev.fermion.components.preprocess.ImputeStrategy;
import dev.fermion.components.preprocess.Preprocessing;
import dev.fermion.components.preprocess.Scaling;
import dev.fermion.components.table.ColumnType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/**
 * Encodes the fitted {@link Preprocessing} that every chunk's feature transform reads as a side input,
 * field by field with enums by name. Java serialization would do, but writes class descriptors and depends
 * on the classes' serial forms; here the same fit always has the same bytes. A new field of the record fails
 * to compile here rather than being dropped. Preprocessing lives in the model module, which knows nothing of
 * Beam, so its coder lives with the pipeline.
 */
final class PreprocessingCoder extends AtomicCoder<Preprocessing> {
    static final PreprocessingCoder INSTANCE = new PreprocessingCoder();
    private static final long serialVersionUID = 1L;
    private static final Coder<String> TEXT = StringUtf8Coder.of();
    private static final Coder<String> OPTIONAL_TEXT = NullableCoder.of(TEXT);
    private static final Coder<List<String>> TEXTS = ListCoder.of(TEXT);

    private PreprocessingCoder() {}

    @Override
    public void encode(Preprocessing preprocessing, OutputStream out) throws IOException {
        VarIntCoder.of().encode(preprocessing.features().size(), out);
        for (Feature feature : preprocessing.features()) {
            TEXT.encode(feature.column(), out);
            TEXT.encode(feature.type().name(), out);
            DoubleCoder.of().encode(feature.fill(), out);
            DoubleCoder.of().encode(feature.center(), out);
            DoubleCoder.of().encode(feature.scale(), out);
            TEXTS.encode(feature.categories(), out);
        }
        OPTIONAL_TEXT.encode(preprocessing.label(), out);
        OPTIONAL_TEXT.encode(name(preprocessing.labelType()), out);
        OPTIONAL_TEXT.encode(name(preprocessing.impute()), out);
        OPTIONAL_TEXT.encode(name(preprocessing.scaling()), out);
        TEXTS.encode(preprocessing.missingMarkers(), out);
    }

    @Override
    public Preprocessing decode(InputStream in) throws IOException {
        int size = VarIntCoder.of().decode(in);
        List<Feature> features = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            features.add(new Feature(
                    TEXT.decode(in),
                    ColumnType.valueOf(TEXT.decode(in)),
                    DoubleCoder.of().decode(in),
                    DoubleCoder.of().decode(in),
                    DoubleCoder.of().decode(in),
                    TEXTS.decode(in)));
        }
        String label = OPTIONAL_TEXT.decode(in);
        String labelType = OPTIONAL_TEXT.decode(in);
        String impute = OPTIONAL_TEXT.decode(in);
        String scaling = OPTIONAL_TEXT.decode(in);
        return new Preprocessing(
                features,
                label,
                labelType == null ? null : ColumnType.valueOf(labelType),
                impute == null ? null : ImputeStrategy.valueOf(impute),
                scaling == null ? null : Scaling.valueOf(scaling),
                TEXTS.decode(in));
    }

    @Override
    public void verifyDeterministic() {
        // Deterministic: fields in a fixed order, strings as UTF-8, numbers as their IEEE bits.
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }
}
