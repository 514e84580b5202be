package dev.fermion.cli;

import dev.fermion.contract.ValueCodec;
import dev.fermion.plan.Cond;
import dev.fermion.plan.Expr;
import dev.fermion.plan.Graph;
import dev.fermion.plan.Node;
import dev.fermion.plan.Plan;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Draws a plan as Mermaid or Graphviz DOT: steps as boxes labelled with their component, loops and the
 * exit handler as clusters, sub-pipeline calls as subroutine boxes, and conditions on the incoming edges.
 */
final class GraphRenderer {
    enum Format { MERMAID, DOT }

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
            out.append("digraph \"").append(plan.name()).append("\" {\n  rankdir=TB;\n  node [shape=box, fontname=\"Helvetica\"];\n");
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
            if (node instanceof Node.LoopNode loop) {
                String title = "for each item of " + describe(loop.items())
                        + (loop.parallelism() > 0 ? ", " + loop.parallelism() + " at a time" : "");
                if (format == Format.MERMAID) {
                    out.append(indent).append("subgraph ").append(id(loop.name())).append("[\"").append(mermaid(loop.name() + ": " + title)).append("\"]\n");
                    graph(loop.body(), indent + "  ");
                    out.append(indent).append("end\n");
                } else {
                    out.append(indent).append("subgraph cluster_").append(id(loop.name())).append(" {\n")
                            .append(indent).append("  label=\"").append(dot(loop.name() + ": " + title)).append("\";\n")
                            .append(indent).append("  ").append(id(loop.name())).append(" [shape=point, label=\"\"];\n");
                    graph(loop.body(), indent + "  ");
                    out.append(indent).append("}\n");
                }
            } else {
                String label = node.name() + "\n" + what(node);
                if (format == Format.MERMAID) {
                    String shape = isCall(node) ? "[[\"%s\"]]" : "[\"%s\"]";
                    out.append(indent).append(id(node.name())).append(String.format(shape, mermaid(label).replace("\n", "<br/>"))).append('\n');
                } else {
                    out.append(indent).append(id(node.name())).append(" [label=\"").append(dot(label))
                            .append(isCall(node) ? "\", peripheries=2];\n" : "\"];\n");
                }
            }
        }
        for (Node node : graph.nodes()) {
            String condition = node.when().map(GraphRenderer::describe).orElse(null);
            List<String> deps = node.dependencies().stream().sorted(Comparator.naturalOrder()).toList();
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
        if (node instanceof Node.StepNode step) {
            return step.component().simpleName();
        }
        if (node instanceof Node.ContainerNode container) {
            return container.component().simpleName() + " (" + (container.container().source() == null ? "container " : "script in ")
                    + container.container().image() + ")";
        }
        if (node instanceof Node.ResourceNode resource) {
            return resource.component().simpleName() + " (" + resource.resource().action().verb() + " resource)";
        }
        if (node instanceof Node.CallNode call) {
            return "sub-pipeline " + plan.subPipeline(call.pipeline()).name();
        }
        if (node instanceof Node.RecurseNode recurse) {
            return "recursion into " + plan.subPipeline(recurse.pipeline()).name() + ", at most " + recurse.maxDepth() + " deep";
        }
        return "";
    }

    private static boolean isCall(Node node) {
        return node instanceof Node.CallNode || node instanceof Node.RecurseNode;
    }

    static String describe(Cond cond) {
        if (cond instanceof Cond.Compare c) {
            return describe(c.left()) + " " + c.op().symbol() + " " + describe(c.right());
        }
        if (cond instanceof Cond.IsTrue t) {
            return describe(t.value());
        }
        if (cond instanceof Cond.All all) {
            return all.terms().stream().map(GraphRenderer::nested).collect(Collectors.joining(" and "));
        }
        if (cond instanceof Cond.Any any) {
            return any.terms().stream().map(GraphRenderer::nested).collect(Collectors.joining(" or "));
        }
        return "not " + nested(((Cond.Not) cond).term());
    }

    private static String nested(Cond cond) {
        return cond instanceof Cond.All || cond instanceof Cond.Any ? "(" + describe(cond) + ")" : describe(cond);
    }

    static String describe(Expr expr) {
        if (expr instanceof Expr.Literal l) {
            return l.type().kind() == dev.fermion.dsl.ValueType.Kind.STRING ? "'" + l.value() + "'" : ValueCodec.encode(l.type(), l.value());
        }
        if (expr instanceof Expr.Param p) {
            return "param " + p.name();
        }
        if (expr instanceof Expr.StepOutput o) {
            return o.step() + "." + o.port();
        }
        if (expr instanceof Expr.LoopItem i) {
            return "item of " + i.loop();
        }
        if (expr instanceof Expr.Collected c) {
            return "all " + describe(c.each()) + " of " + c.loop();
        }
        if (expr instanceof Expr.Inline i) {
            return "file " + i.file().name();
        }
        if (expr instanceof Expr.ListOf l) {
            return "[" + l.elements().stream().map(GraphRenderer::describe).collect(Collectors.joining(", ")) + "]";
        }
        if (expr instanceof Expr.MapOf m) {
            return "{" + m.entries().entrySet().stream().map(e -> e.getKey() + ": " + describe(e.getValue()))
                    .collect(Collectors.joining(", ")) + "}";
        }
        if (expr instanceof Expr.Format f) {
            return "format(" + f.args().stream().map(GraphRenderer::describe).collect(Collectors.joining(", ")) + ")";
        }
        if (expr instanceof Expr.Field f) {
            return describe(f.of()) + "." + f.name();
        }
        if (expr instanceof Expr.OrElse e) {
            return describe(e.value()) + " or else " + describe(e.fallback());
        }
        if (expr instanceof Expr.GraphInput g) {
            return "input " + g.name();
        }
        return "pipeline status";
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
