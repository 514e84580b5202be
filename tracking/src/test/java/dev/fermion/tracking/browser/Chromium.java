package dev.fermion.tracking.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Debian Chromium driven over the Chrome DevTools Protocol with {@code java.net.http}'s
 * WebSocket: one page, navigation, reading the rendered text and screenshots.
 */
public final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final Map<Long, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final String session;

    private Chromium(Process process, URI devtools) {
        this.process = process;
        this.socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(devtools, new Listener())
                .join();
        String target = command(
                        null, "Target.createTarget", JSON.createObjectNode().put("url", "about:blank"))
                .path("targetId")
                .asText();
        this.session = command(
                        null,
                        "Target.attachToTarget",
                        JSON.createObjectNode().put("targetId", target).put("flatten", true))
                .path("sessionId")
                .asText();
        command(session, "Page.enable", JSON.createObjectNode());
        command(
                session,
                "Emulation.setDeviceMetricsOverride",
                JSON.createObjectNode()
                        .put("width", 1440)
                        .put("height", 1000)
                        .put("deviceScaleFactor", 1)
                        .put("mobile", false));
    }

    /** Finds the chromium binary, or null when it is not installed (scripts/install-browser.sh installs it). */
    public static Path binary() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        return null;
    }

    /**
     * Debian's Chromium for a test: the test is skipped without it, unless {@code FERMION_REQUIRE_BROWSER=true}
     * (CI), which makes it fail.
     */
    public static Path binaryOrSkip() {
        Path chromium = binary();
        if (chromium == null) {
            if ("true".equalsIgnoreCase(System.getenv("FERMION_REQUIRE_BROWSER"))) {
                throw new IllegalStateException("FERMION_REQUIRE_BROWSER=true but chromium is not installed;"
                        + " run scripts/install-browser.sh");
            }
            Assumptions.abort("chromium is not installed; run scripts/install-browser.sh");
        }
        return chromium;
    }

    /** The page shows all of {@code expected} and has no section still loading its data. */
    public static Predicate<String> settled(String... expected) {
        return text -> !text.toLowerCase(Locale.ROOT).contains("loading")
                && Arrays.stream(expected).allMatch(text::contains);
    }

    public static Chromium launch(Path binary, Path profile) {
        try {
            Files.createDirectories(profile);
            Process process = new ProcessBuilder(
                            binary.toString(),
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-quic",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--disable-dev-shm-usage",
                            "--window-size=1680,1050",
                            "--user-data-dir=" + profile,
                            "--remote-debugging-port=0",
                            "about:blank")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            CompletableFuture<URI> devtools = CompletableFuture.supplyAsync(() -> devtoolsUri(process));
            try {
                return new Chromium(process, devtools.get(60, TimeUnit.SECONDS));
            } catch (Exception e) {
                destroy(process);
                throw new IllegalStateException("chromium did not open its DevTools endpoint", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static URI devtoolsUri(Process process) {
        try {
            BufferedReader err =
                    new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
            for (String line = err.readLine(); line != null; line = err.readLine()) {
                int at = line.indexOf("ws://");
                if (line.startsWith("DevTools listening on") && at >= 0) {
                    // Keep draining stderr so chromium never blocks writing to a full pipe.
                    Thread drain = new Thread(
                            () -> {
                                try {
                                    err.lines().forEach(l -> {});
                                } catch (UncheckedIOException e) {
                                    // The pipe closes when chromium is stopped.
                                }
                            },
                            "chromium-stderr");
                    drain.setDaemon(true);
                    drain.start();
                    return URI.create(line.substring(at).trim());
                }
            }
            throw new IllegalStateException("chromium exited before opening DevTools");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Loads {@code url} as a fresh document, as opening a link does; links that differ only after '#'
     * would otherwise be routed inside the already loaded single-page app.
     */
    public void open(String url) {
        command(session, "Page.navigate", JSON.createObjectNode().put("url", "about:blank"));
        command(session, "Page.navigate", JSON.createObjectNode().put("url", url));
    }

    /** Renders pages at {@code width} x {@code height} CSS pixels, so wide tables show their columns. */
    public void viewport(int width, int height) {
        command(
                session,
                "Emulation.setDeviceMetricsOverride",
                JSON.createObjectNode()
                        .put("width", width)
                        .put("height", height)
                        .put("deviceScaleFactor", 1)
                        .put("mobile", false));
    }

    /** Clicks the first element matching the CSS {@code selector}; whether there was one. */
    public boolean click(String selector) {
        return "true"
                .equals(evaluate("(() => { const e = document.querySelector(" + JSON.valueToTree(selector)
                        + "); if (e) { e.click(); return true; } return false; })()"));
    }

    /**
     * Clicks the innermost visible element whose own text is {@code text} (a menu entry, a button label), as a
     * person clicks what they read; whether there was one.
     */
    public boolean clickText(String text) {
        return "true"
                .equals(evaluate("(() => { const want = " + JSON.valueToTree(text) + ";"
                        + " const all = Array.from(document.querySelectorAll('body *')).filter(e => e.offsetParent !== null"
                        + " && e.textContent.trim() === want);"
                        + " const inner = all.filter(e => !all.some(o => o !== e && e.contains(o)));"
                        + " if (inner.length === 0) { return false; }"
                        + " const target = inner[0].closest('button, a, [role=button], [role=menuitemcheckbox], [aria-expanded]') || inner[0];"
                        + " target.click(); return true; })()"));
    }

    /**
     * Scrolls the innermost element whose text starts with {@code text} (a section's heading) to the top of the view;
     * whether there was one.
     */
    public boolean scrollToText(String text) {
        return "true"
                .equals(evaluate("(() => { const want = " + JSON.valueToTree(text) + ";"
                        + " const all = Array.from(document.querySelectorAll('body *')).filter(e => e.offsetParent !== null"
                        + " && e.textContent.trim().startsWith(want));"
                        + " const inner = all.filter(e => !all.some(o => o !== e && e.contains(o)));"
                        + " if (inner.length === 0) { return false; }"
                        + " inner[0].scrollIntoView({block: 'start'}); return true; })()"));
    }

    /** The page's visible text now. */
    public String text() {
        return command(
                        session,
                        "Runtime.evaluate",
                        JSON.createObjectNode()
                                .put("expression", "document.body ? document.body.innerText : ''")
                                .put("returnByValue", true))
                .path("result")
                .path("value")
                .asText("");
    }

    /** Evaluates a JavaScript expression in the page and returns its value as text. */
    public String evaluate(String expression) {
        return command(
                        session,
                        "Runtime.evaluate",
                        JSON.createObjectNode().put("expression", expression).put("returnByValue", true))
                .path("result")
                .path("value")
                .asText("");
    }

    /** Polls until {@code condition} is true of the page text, up to {@code timeout}; the last text. */
    public String awaitText(Predicate<String> condition, Duration timeout) {
        return await(this::text, condition, timeout);
    }

    /** Polls until the JavaScript {@code expression} is true, up to {@code timeout}; whether it became true. */
    public boolean awaitTrue(String expression, Duration timeout) {
        return "true".equals(await(() -> evaluate(expression), "true"::equals, timeout));
    }

    private static String await(Supplier<String> probe, Predicate<String> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String value = probe.get();
        while (!condition.test(value) && System.nanoTime() < deadline) {
            // The UI renders asynchronously after its API calls; there is no event to wait on, so poll.
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return value;
            }
            value = probe.get();
        }
        return value;
    }

    public void screenshot(Path file) {
        String data = command(
                        session,
                        "Page.captureScreenshot",
                        JSON.createObjectNode().put("format", "png"))
                .path("data")
                .asText();
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode command(String sessionId, String method, ObjectNode params) {
        long id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        replies.put(id, reply);
        socket.sendText(message.toString(), true).join();
        JsonNode response;
        try {
            response = reply.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("no answer to " + method, e);
        } finally {
            replies.remove(id);
        }
        if (response.has("error")) {
            throw new IllegalStateException(method + " failed: " + response.path("error"));
        }
        return response.path("result");
    }

    @Override
    public void close() {
        socket.abort();
        destroy(process);
    }

    private static void destroy(Process process) {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode message = JSON.readTree(text);
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> reply =
                                replies.get(message.path("id").asLong());
                        if (reply != null) {
                            reply.complete(message);
                        }
                    }
                } catch (IOException e) {
                    // DevTools only sends JSON; an unreadable message cannot be an answer we wait for.
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
