package dev.fermion.components.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Plots for evaluation reports, drawn with Java 2D so they render on headless machines and in pods. */
public final class Charts {
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font BOLD = new Font(Font.SANS_SERIF, Font.BOLD, 14);

    private Charts() {}

    /** A heat map of {@code counts[actual][predicted]} with the count in each cell. */
    public static BufferedImage confusionMatrix(List<String> labels, long[][] counts) {
        int k = labels.size();
        int cell = Math.max(40, Math.min(90, 600 / Math.max(1, k)));
        int margin = 150;
        int size = margin + k * cell + 30;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(image);
        long max = 1;
        for (long[] row : counts) {
            for (long c : row) {
                max = Math.max(max, c);
            }
        }
        g.setFont(FONT);
        FontMetrics metrics = g.getFontMetrics();
        for (int a = 0; a < k; a++) {
            for (int p = 0; p < k; p++) {
                float intensity = (float) counts[a][p] / max;
                g.setColor(new Color(1 - 0.8f * intensity, 1 - 0.5f * intensity, 1f));
                int x = margin + p * cell;
                int y = margin + a * cell;
                g.fillRect(x, y, cell, cell);
                g.setColor(Color.GRAY);
                g.drawRect(x, y, cell, cell);
                g.setColor(intensity > 0.6f ? Color.WHITE : Color.BLACK);
                String text = Long.toString(counts[a][p]);
                g.drawString(
                        text, x + (cell - metrics.stringWidth(text)) / 2, y + cell / 2 + metrics.getAscent() / 2 - 2);
            }
            g.setColor(Color.BLACK);
            String label = shorten(labels.get(a), 16);
            g.drawString(label, margin - 8 - metrics.stringWidth(label), margin + a * cell + cell / 2 + 5);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.translate(margin + a * cell + cell / 2 + 5, margin - 8);
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(shorten(labels.get(a), 16), 0, 0);
            rotated.dispose();
        }
        g.setFont(BOLD);
        g.drawString("actual \u2193  predicted \u2192", 10, 20);
        g.dispose();
        return image;
    }

    /** Predicted against actual values with the identity line; points on the line are exact. */
    public static BufferedImage predictedVersusActual(double[] actual, double[] predicted) {
        int size = 520;
        int margin = 60;
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(image);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < actual.length; i++) {
            min = Math.min(min, Math.min(actual[i], predicted[i]));
            max = Math.max(max, Math.max(actual[i], predicted[i]));
        }
        if (!(max > min)) {
            max = min + 1;
        }
        int plot = size - 2 * margin;
        g.setColor(Color.BLACK);
        g.drawRect(margin, margin, plot, plot);
        g.setColor(Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(1.5f));
        g.drawLine(margin, margin + plot, margin + plot, margin);
        g.setColor(new Color(30, 90, 200, 160));
        for (int i = 0; i < actual.length; i++) {
            int x = margin + (int) Math.round((actual[i] - min) / (max - min) * plot);
            int y = margin + plot - (int) Math.round((predicted[i] - min) / (max - min) * plot);
            g.fillOval(x - 3, y - 3, 6, 6);
        }
        g.setColor(Color.BLACK);
        g.setFont(FONT);
        g.drawString(String.format(Locale.ROOT, "%.3g", min), margin, margin + plot + 18);
        g.drawString(String.format(Locale.ROOT, "%.3g", max), margin + plot - 40, margin + plot + 18);
        g.drawString("actual", margin + plot / 2 - 20, size - 15);
        g.drawString("predicted", 5, margin - 10);
        g.dispose();
        return image;
    }

    public static void writePng(BufferedImage image, Path file) {
        try {
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IllegalStateException("No PNG writer available in this Java runtime");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static Graphics2D start(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        return g;
    }

    private static String shorten(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "\u2026";
    }
}
