package dev.fermion.cli;

import dev.fermion.plan.Descriptions;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Draws a plan as Mermaid or Graphviz DOT: steps as boxes labelled with their component, loops and the
 * exit handler as clusters, sub-pipeline calls as subroutine boxes, and conditions on the incoming edges.
 */
final class GraphRenderer {
    enum Format {
        MERMAID,
        DOT
    }

    private final Plan plan;
    private final Format format;
    private final StringBuilder out = new StringBuilder();

    private GraphRenderer(Plan plan, Format format) {
        this.plan = plan;
        this.format = format;
    }

    static String render(Plan plan, Format format) {
        return new GraphRenderer(plan, format).render();
    }

    private String render() {
        if (format == Format.MERMAID) {
            out.append("flowchart TD\n");
            graph(plan.graph(), "  ");
            plan.onExit().ifPresent(exit -> {
                out.append("  subgraph exit_handler[\"on exit (any outcome)\"]\n");
                graph(exit, "    ");
                out.append("  end\n");
            });
        } else {
            out.append("digraph \"")
                    .append(plan.name())
                    .append("\" {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n");
            graph(plan.graph(), "  ");
            plan.onExit().ifPresent(exit -> {
                out.append("  subgraph cluster_exit_handler {\n    label=\"on exit (any outcome)\";\n");
                graph(exit, "    ");
                out.append("  }\n");
            });
            out.append("}\n");
        }
        return out.toString();
    }

    private void graph(Graph graph, String indent) {
        for (Node node : graph.nodes()) {
            Optional<Graph> body = node.loopBody();
            if (body.isPresent()) {
                String title = Descriptions.what(node, plan);
                if (format == Format.MERMAID) {
                    out.append(indent)
                            .append("subgraph ")
                            .append(id(node.name()))
                            .append("[\"")
                            .append(mermaid(node.name() + ": " + title))
                            .append("\"]\n");
                    graph(body.get(), indent + "  ");
                    out.append(indent).append("end\n");
                } else {
                    out.append(indent)
                            .append("subgraph cluster_")
                            .append(id(node.name()))
                            .append(" {\n")
                            .append(indent)
                            .append("  label=\"")
                            .append(dot(node.name() + ": " + title))
                            .append("\";\n")
                            .append(indent)
                            .append("  ")
                            .append(id(node.name()))
                            .append(" [shape=point, label=\"\"];\n");
                    graph(body.get(), indent + "  ");
                    out.append(indent).append("}\n");
                }
            } else {
                String label = node.name() + "\n" + what(node);
                if (format == Format.MERMAID) {
                    String shape = isCall(node) ? "[[\"%s\"]]" : "[\"%s\"]";
                    out.append(indent)
                            .append(id(node.name()))
                            .append(String.format(shape, mermaid(label).replace("\n", "<br/>")))
                            .append('\n');
                } else {
                    out.append(indent)
                            .append(id(node.name()))
                            .append(" [label=\"")
                            .append(dot(label))
                            .append(isCall(node) ? "\", peripheries=2];\n" : "\"];\n");
                }
            }
        }
        for (Node node : graph.nodes()) {
            String condition = node.when().map(Descriptions::describe).orElse(null);
            List<String> deps = node.dependencies().stream()
                    .sorted(Comparator.naturalOrder())
                    .toList();
            for (String dep : deps) {
                edge(indent, dep, node.name(), condition);
            }
        }
    }

    private void edge(String indent, String from, String to, String condition) {
        if (format == Format.MERMAID) {
            out.append(indent).append(id(from));
            out.append(condition == null ? " --> " : " -.->|\"" + mermaid(condition) + "\"| ");
            out.append(id(to)).append('\n');
        } else {
            out.append(indent).append(id(from)).append(" -> ").append(id(to));
            if (condition != null) {
                out.append(" [style=dashed, label=\"").append(dot(condition)).append("\"]");
            }
            out.append(";\n");
        }
    }

    private String what(Node node) {
        return Descriptions.what(node, plan);
    }

    private static boolean isCall(Node node) {
        return node.calls().isPresent();
    }

    private static String id(String name) {
        return "n_" + name.replace('-', '_');
    }

    private static String mermaid(String text) {
        return text.replace("\"", "#quot;").replace("<", "#lt;").replace(">", "#gt;");
    }

    private static String dot(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
