package dev.fermion.serving;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fermion.components.TestBundles;
import dev.fermion.components.table.Table;
import java.util.List;

/** OIP v2 infer requests built from rows of the iris data. */
final class IrisRequests {
    static final List<String> MEASUREMENTS = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
    static final Table IRIS = TestBundles.iris();

    private IrisRequests() {}

    static ObjectNode tensor(int from, int to) {
        ObjectNode request = request();
        ObjectNode input =
                request.withArray("inputs").addObject().put("name", "input").put("datatype", "FP32");
        input.putArray("shape").add(to - from).add(4);
        ArrayNode data = input.putArray("data");
        for (int r = from; r < to; r++) {
            for (String column : MEASUREMENTS) {
                data.add(value(r, column));
            }
        }
        return request;
    }

    static ObjectNode columns(int from, int to, List<String> columns) {
        ObjectNode request = request();
        for (String column : columns) {
            ObjectNode input =
                    request.withArray("inputs").addObject().put("name", column).put("datatype", "FP32");
            input.putArray("shape").add(to - from).add(1);
            ArrayNode data = input.putArray("data");
            for (int r = from; r < to; r++) {
                data.add(value(r, column));
            }
        }
        return request;
    }

    static void addColumn(ObjectNode request, String name, String datatype, Double value) {
        ObjectNode input =
                request.withArray("inputs").addObject().put("name", name).put("datatype", datatype);
        input.putArray("shape").add(1);
        input.putArray("data").add(value);
    }

    static ObjectNode request() {
        return Http.JSON.createObjectNode();
    }

    static double value(int row, String column) {
        return Double.parseDouble(IRIS.rows().get(row).values().get(IRIS.index(column)));
    }
}
