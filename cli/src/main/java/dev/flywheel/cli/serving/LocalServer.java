package dev.flywheel.cli.serving;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flywheel.config.ServingConfig;
import dev.flywheel.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local HTTP server in front of the inference function's handler, as API Gateway is in front of it on AWS: each
 * request becomes a REST API proxy event ({@link ApiGatewayProxy}), the handler answers it, and its proxy response
 * becomes the HTTP response. The JDK's {@link HttpServer}, with a fixed pool of worker threads; bodies over API
 * Gateway's 10 MB are refused here, as API Gateway refuses them, before they are read.
 */
public final class LocalServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalServer.class);
    /** API Gateway's payload limit: a larger body is answered with 413 and never reaches the handler. */
    public static final int MAX_BODY_BYTES = ServingConfig.API_GATEWAY_MAX_BODY_BYTES;
    /**
     * After a 413 answer, at most this much of the refused body is read and discarded before the connection is
     * closed (as web servers' "lingering close" does): closing a socket with unread data makes the kernel reset
     * the connection, and the client would lose the answer it has not read yet. Nothing read is kept.
     */
    static final long LINGER_MAX_BYTES = 4L * MAX_BODY_BYTES;
    /** The longest a request may take to arrive, or its response to leave (API Gateway's own limit is 29 s). */
    static final int REQUEST_SECONDS = 30;

    static {
        // The JDK's server writes a response's headers and body apart; with Nagle's algorithm on, the body waits
        // for the client's delayed ACK (about 40 ms a request). Read once, when the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        // A client that sends part of a request and stops must not hold a worker for ever: the JDK's server closes
        // a connection whose request is not fully read within maxReqTime seconds (and likewise for responses).
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        }
        if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
            System.setProperty("sun.net.httpserver.maxRspTime", Integer.toString(REQUEST_SECONDS));
        }
    }

    private final HttpServer server;
    private final ExecutorService workers;
    private final RequestStreamHandler handler;
    private final PrintStream accessLog;
    private final String host;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean started;
    private volatile boolean draining;
    private volatile boolean stopped;

    private LocalServer(HttpServer server, ExecutorService workers, RequestStreamHandler handler,
                        PrintStream accessLog, String host) {
        this.server = server;
        this.workers = workers;
        this.handler = handler;
        this.accessLog = accessLog;
        this.host = host;
    }

    /**
     * Binds the port now (so a port in use fails before anything is loaded); requests are answered once
     * {@link #start} is called.
     *
     * @param port      0 for any free port
     * @param accessLog one line per request (method, path, status, milliseconds, version), or null for none
     * @throws PortInUseException when the port is taken
     */
    public static LocalServer bind(String host, int port, RequestStreamHandler handler, PrintStream accessLog) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 128);
        } catch (BindException e) {
            throw new PortInUseException(host, port, e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        // Scoring is CPU-bound, but a worker may wait on a slow client: more workers than cores, so that a few slow
        // clients leave room for the others (each is also cut off after REQUEST_SECONDS).
        int threads = Math.max(64, 4 * Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "flywheel-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        LocalServer local = new LocalServer(server, workers, handler, accessLog, host);
        // Counted from dispatch, so that a stop also waits for the requests queued for a worker.
        server.setExecutor(exchange -> {
            local.inFlight.incrementAndGet();
            try {
                workers.execute(() -> {
                    try {
                        exchange.run();
                    } finally {
                        local.inFlight.decrementAndGet();
                    }
                });
            } catch (RuntimeException e) {
                local.inFlight.decrementAndGet();
                throw e;
            }
        });
        server.createContext("/", local::handle);
        return local;
    }

    /** The port is taken: says which, and how to pick another. */
    public static final class PortInUseException extends RuntimeException {
        PortInUseException(String host, int port, Throwable cause) {
            super("port " + port + " on " + host + " is in use (by another `flywheel serve`, or another program): "
                    + "pick another with --port", cause);
        }
    }

    public synchronized void start() {
        if (stopped) {
            throw new IllegalStateException("the server was stopped");
        }
        server.start();
        started = true;
    }

    /** The port listened on (the one chosen when bound to port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://HOST:PORT}. */
    public String url() {
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + shown + ":" + port();
    }

    /** Requests answered so far. */
    public long requests() {
        return requests.get();
    }

    /**
     * Stops taking requests (one that arrives now is answered 503), lets the requests under way finish, up to
     * {@code grace}, then closes the listener, the connections and the workers. Idempotent.
     *
     * <p>Not {@code HttpServer.stop(grace)} alone: on JDK 17 it waits the whole delay when no request is under way.
     */
    public synchronized void stop(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        draining = true;
        long end = System.nanoTime() + grace.toNanos();
        try {
            while (inFlight.get() > 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!started) {
            // A listener that was never started is only released by the server's dispatcher: start it to stop it.
            server.start();
        }
        server.stop(0);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(Math.max(0, end - System.nanoTime()) + 1_000_000_000L,
                    TimeUnit.NANOSECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
    }

    private void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        String requestId = UUID.randomUUID().toString();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        int status = 0;
        String version = null;
        try {
            if (draining) {
                status = 503;
                exchange.getResponseHeaders().set("Connection", "close");
                sendError(exchange, 503, "the server is stopping", requestId);
                return;
            }
            byte[] body = readBody(exchange, requestId);
            if (body == null) {
                status = 413;
                return;
            }
            var uri = exchange.getRequestURI();
            byte[] event = ApiGatewayProxy.event(new ApiGatewayProxy.HttpRequest(method, uri.getRawPath(),
                    uri.getRawQuery(), exchange.getRequestHeaders(), body,
                    exchange.getRemoteAddress().getAddress().getHostAddress()), requestId);
            ApiGatewayProxy.Reply reply = ApiGatewayProxy.invoke(handler, event);
            status = reply.status();
            version = reply.header("X-Flywheel-Model-Version");
            write(exchange, method, reply);
        } catch (IOException e) {
            // The client went away: nothing to answer.
            LOG.debug("request {}: {}", requestId, e.toString());
        } catch (RuntimeException e) {
            LOG.error("request {} failed in the local server", requestId, e);
            if (status == 0) {
                status = 500;
                sendError(exchange, 500, "internal error (requestId " + requestId + ")", requestId);
            }
        } finally {
            exchange.close();
            requests.incrementAndGet();
            log(exchange, method, status, version, start);
        }
    }

    private void log(HttpExchange exchange, String method, int status, String version, long start) {
        if (accessLog == null) {
            return;
        }
        String target = exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? ""
                : "?" + exchange.getRequestURI().getRawQuery());
        accessLog.printf(Locale.ROOT, "%s %s %s %.1f ms%s%n", method,
                target.length() > 120 ? target.substring(0, 120) + "…" : target,
                status == 0 ? "-" : Integer.toString(status), (System.nanoTime() - start) / 1e6,
                version == null ? "" : " v" + version);
    }

    /** The whole body, or null when it is over the limit (then the 413 has been sent). */
    private byte[] readBody(HttpExchange exchange, String requestId) throws IOException {
        long declared = contentLength(exchange.getRequestHeaders());
        if (declared > MAX_BODY_BYTES) {
            tooLarge(exchange, declared, requestId);
            return null;
        }
        InputStream in = exchange.getRequestBody();
        ByteArrayOutputStream body = new ByteArrayOutputStream(declared > 0 ? (int) declared : 8192);
        byte[] chunk = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(chunk)) != -1) {
            total += n;
            if (total > MAX_BODY_BYTES) {
                tooLarge(exchange, -1, requestId);
                return null;
            }
            body.write(chunk, 0, n);
        }
        return body.toByteArray();
    }

    private static long contentLength(Headers headers) {
        String value = headers.getFirst("Content-Length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Answers 413 first, then discards (a bounded amount of) what the client is still sending. */
    private void tooLarge(HttpExchange exchange, long declared, String requestId) throws IOException {
        String size = declared > 0 ? declared + " bytes" : "more than " + MAX_BODY_BYTES + " bytes";
        exchange.getResponseHeaders().set("Connection", "close");
        sendError(exchange, 413, "the body has " + size + "; the limit is " + MAX_BODY_BYTES
                + " (API Gateway's): split the instances into several requests", requestId);
        InputStream in = exchange.getRequestBody();
        byte[] discard = new byte[64 * 1024];
        long drained = 0;
        int n;
        while (drained < LINGER_MAX_BYTES && (n = in.read(discard)) != -1) {
            drained += n;
        }
    }

    private static void sendError(HttpExchange exchange, int status, String message, String requestId) {
        ObjectNode body = Json.object().put("error", message).put("requestId", requestId);
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        try {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-Request-Id", requestId);
            exchange.sendResponseHeaders(status, bytes.length);
            OutputStream out = exchange.getResponseBody();
            out.write(bytes);
            out.flush();
        } catch (IOException | RuntimeException e) {
            // Headers already sent, or the client went away.
            LOG.debug("request {}: could not send the {} answer: {}", requestId, status, e.toString());
        }
    }

    private static void write(HttpExchange exchange, String method, ApiGatewayProxy.Reply reply) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        reply.headers().forEach(headers::set);
        for (Map.Entry<String, List<String>> h : reply.multiValueHeaders().entrySet()) {
            headers.put(h.getKey(), List.copyOf(h.getValue()));
        }
        byte[] bytes = reply.bodyBytes();
        int status = reply.status();
        boolean noBody = bytes.length == 0 || "HEAD".equals(method) || status == 204 || status == 304;
        // -1: no body; 0 would mean a chunked body of unknown length.
        exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
        if (!noBody) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
