package dev.fermion.tracking;

import dev.fermion.plan.Descriptions;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pipeline run's graph as an SVG picture, the one MLflow shows on the run's Artifacts tab: the steps of
 * the pipeline (the nodes {@code fermion graph} draws, with the same labels and conditions), each coloured by
 * how it ended in this run, a loop as one box counting how its iterations ended, and the exit handler below.
 * Nodes are placed in rows by their depth in the graph, in the order the pipeline declares them.
 */
final class PipelineGraph {
    private static final int WIDTH = 230;
    private static final int HEIGHT = 62;
    private static final int GAP_X = 34;
    private static final int GAP_Y = 56;
    private static final int MARGIN = 24;
    private static final int TITLE = 46;
    private static final int LEGEND = 40;

    /** How a node ended, as the picture colours it. */
    enum State {
        SUCCEEDED("succeeded", "#d3f9d8", "#2b8a3e"),
        CACHED("cached", "#d0ebff", "#1971c2"),
        FAILED("failed", "#ffe3e3", "#c92a2a"),
        SKIPPED("skipped", "#f1f3f5", "#868e96"),
        NOT_RUN("not run", "#ffffff", "#adb5bd");

        final String label;
        final String fill;
        final String stroke;

        State(String label, String fill, String stroke) {
            this.label = label;
            this.fill = fill;
            this.stroke = stroke;
        }
    }

    private record Box(String name, String title, String subtitle, String status, State state, int x, int y) {}

    private final Plan plan;
    private final Map<String, State> states;
    private final List<Box> boxes = new ArrayList<>();
    private final List<String> edges = new ArrayList<>();
    private int width;
    private int height;

    private PipelineGraph(Plan plan, Map<String, State> states) {
        this.plan = plan;
        this.states = states;
    }

    /**
     * @param states how each step of the run ended, by path ({@code train}, {@code grid/2/trial}); a step
     *               missing from the map did not run
     */
    static String svg(Plan plan, Map<String, State> states) {
        return new PipelineGraph(plan, states).draw();
    }

    private String draw() {
        int y = place(plan.graph(), "", MARGIN + TITLE);
        if (plan.onExit().isPresent()) {
            y = place(plan.onExit().get(), "", y + GAP_Y / 2);
        }
        height = y + LEGEND;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" viewBox=\"0 0 ")
                .append(width)
                .append(' ')
                .append(height)
                .append("\" font-family=\"Helvetica, Arial, sans-serif\">\n")
                .append(
                        "  <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
                                + "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#495057\"/></marker></defs>\n")
                .append("  <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n")
                .append("  <text x=\"")
                .append(MARGIN)
                .append("\" y=\"")
                .append(MARGIN + 16)
                .append("\" font-size=\"17\" " + "font-weight=\"bold\" fill=\"#212529\">")
                .append(xml(plan.name()))
                .append("</text>\n");
        edges.forEach(svg::append);
        for (Box box : boxes) {
            svg.append("  <g>\n    <rect x=\"")
                    .append(box.x)
                    .append("\" y=\"")
                    .append(box.y)
                    .append("\" width=\"")
                    .append(WIDTH)
                    .append("\" height=\"")
                    .append(HEIGHT)
                    .append("\" rx=\"8\" fill=\"")
                    .append(box.state.fill)
                    .append("\" stroke=\"")
                    .append(box.state.stroke)
                    .append("\" stroke-width=\"2\"")
                    .append(box.state == State.NOT_RUN ? " stroke-dasharray=\"5,4\"" : "")
                    .append("/>\n");
            text(svg, box.x + 12, box.y + 21, 14, "bold", "#212529", box.title);
            text(svg, box.x + 12, box.y + 38, 11, "normal", "#495057", box.subtitle);
            text(svg, box.x + 12, box.y + 54, 11, "normal", box.state.stroke, box.status);
            svg.append("  </g>\n");
        }
        int x = MARGIN;
        for (State state : State.values()) {
            svg.append("  <rect x=\"")
                    .append(x)
                    .append("\" y=\"")
                    .append(height - 28)
                    .append("\" width=\"14\" height=\"14\" rx=\"3\" fill=\"")
                    .append(state.fill)
                    .append("\" stroke=\"")
                    .append(state.stroke)
                    .append("\"/>\n");
            text(svg, x + 20, height - 16, 12, "normal", "#495057", state.label);
            x += 110;
        }
        width = Math.max(width, x);
        return svg.append("</svg>\n")
                .toString()
                .replaceFirst("width=\"\\d+\" height", "width=\"" + width + "\" height")
                .replaceFirst("viewBox=\"0 0 \\d+ ", "viewBox=\"0 0 " + width + " ");
    }

    /** Places the nodes of {@code graph} in rows from {@code top}; returns the y below the last row. */
    private int place(Graph graph, String prefix, int top) {
        Map<String, Integer> depth = new HashMap<>();
        graph.nodes().forEach(n -> depth(n, graph, depth));
        Map<Integer, List<Node>> rows = new TreeMap<>();
        graph.nodes()
                .forEach(n -> rows.computeIfAbsent(depth.get(n.name()), k -> new ArrayList<>())
                        .add(n));
        Map<String, int[]> centres = new LinkedHashMap<>();
        int y = top;
        for (List<Node> row : rows.values()) {
            int x = MARGIN;
            for (Node node : row) {
                Box box = box(node, prefix, x, y);
                boxes.add(box);
                centres.put(node.name(), new int[] {x + WIDTH / 2, y});
                x += WIDTH + GAP_X;
            }
            width = Math.max(width, x - GAP_X + MARGIN);
            y += HEIGHT + GAP_Y;
        }
        for (Node node : graph.nodes()) {
            String condition = node.when().map(Descriptions::describe).orElse(null);
            int[] to = centres.get(node.name());
            for (String dep : node.dependencies().stream().sorted().toList()) {
                int[] from = centres.get(dep);
                edge(from[0], from[1] + HEIGHT, to[0], to[1], condition);
            }
        }
        return y - GAP_Y;
    }

    private static int depth(Node node, Graph graph, Map<String, Integer> memo) {
        Integer known = memo.get(node.name());
        if (known != null) {
            return known;
        }
        int d = 0;
        for (String dep : node.dependencies()) {
            d = Math.max(d, 1 + depth(graph.node(dep).orElseThrow(), graph, memo));
        }
        memo.put(node.name(), d);
        return d;
    }

    private Box box(Node node, String prefix, int x, int y) {
        String path = prefix + node.name();
        if (node.loopBody().isPresent()) {
            Map<State, Integer> counts = new TreeMap<>();
            states.forEach((step, state) -> {
                if (step.startsWith(path + "/")) {
                    counts.merge(state, 1, Integer::sum);
                }
            });
            StringBuilder status = new StringBuilder();
            counts.forEach((state, n) -> status.append(status.length() == 0 ? "" : ", ")
                    .append(n)
                    .append(' ')
                    .append(state.label));
            State state = counts.containsKey(State.FAILED)
                    ? State.FAILED
                    : counts.isEmpty()
                            ? State.NOT_RUN
                            : counts.keySet().iterator().next();
            return new Box(
                    path,
                    node.name(),
                    cut(Descriptions.what(node, plan)),
                    status.length() == 0 ? State.NOT_RUN.label : status + " (steps)",
                    state,
                    x,
                    y);
        }
        State state = states.getOrDefault(path, State.NOT_RUN);
        return new Box(path, node.name(), cut(Descriptions.what(node, plan)), state.label, state, x, y);
    }

    private void edge(int x1, int y1, int x2, int y2, String condition) {
        int mid = (y1 + y2) / 2;
        StringBuilder e = new StringBuilder("  <path d=\"M")
                .append(x1)
                .append(',')
                .append(y1)
                .append(" C")
                .append(x1)
                .append(',')
                .append(mid)
                .append(' ')
                .append(x2)
                .append(',')
                .append(mid)
                .append(' ')
                .append(x2)
                .append(',')
                .append(y2 - 2)
                .append("\" fill=\"none\" stroke=\"#495057\" stroke-width=\"1.5\" marker-end=\"url(#arrow)\"")
                .append(condition == null ? "" : " stroke-dasharray=\"6,4\"")
                .append("/>\n");
        if (condition != null) {
            e.append("  <text x=\"")
                    .append((x1 + x2) / 2 + 6)
                    .append("\" y=\"")
                    .append(mid - 3)
                    .append("\" font-size=\"11\" font-style=\"italic\" fill=\"#495057\">")
                    .append(xml(cut("if " + condition)))
                    .append("</text>\n");
        }
        edges.add(e.toString());
    }

    private static void text(StringBuilder svg, int x, int y, int size, String weight, String colour, String text) {
        svg.append("    <text x=\"")
                .append(x)
                .append("\" y=\"")
                .append(y)
                .append("\" font-size=\"")
                .append(size)
                .append("\" font-weight=\"")
                .append(weight)
                .append("\" fill=\"")
                .append(colour)
                .append("\">")
                .append(xml(text))
                .append("</text>\n");
    }

    /** Fits a line into a box: about 34 characters of 11-point text. */
    private static String cut(String text) {
        return text.length() <= 34 ? text : text.substring(0, 33) + "…";
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    /** The state a step's outcome is drawn in. */
    static State state(StepOutcome outcome, boolean cached) {
        return switch (outcome) {
            case SUCCEEDED -> cached ? State.CACHED : State.SUCCEEDED;
            case FAILED -> State.FAILED;
            case SKIPPED -> State.SKIPPED;
            case CANCELLED -> State.NOT_RUN;
        };
    }

    static String label(State state) {
        return state.label.toUpperCase(Locale.ROOT);
    }
}
