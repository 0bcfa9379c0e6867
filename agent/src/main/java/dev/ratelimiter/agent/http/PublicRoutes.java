package dev.ratelimiter.agent.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import java.util.Map;

/**
 * The public port's routing, in one place: {@code GET /api} → {@link ApiHandler}; other methods on
 * {@code /api} 405; everything else 404; headers over 8 KiB 431. A plain request handler rather
 * than a vertx-web Router: this is the hot path, and a Router's per-request context and
 * forwarded-header parsing cost a measurable share of throughput here (bench/RESULTS.md).
 */
public final class PublicRoutes implements Handler<HttpServerRequest> {

    /** Larger headers than this are refused with 431 once fully read (a clean close, not a reset). */
    static final int MAX_HEADER_BYTES = 8192;

    private final Handler<HttpServerRequest> api;

    public PublicRoutes(Handler<HttpServerRequest> api) {
        this.api = api;
    }

    @Override
    public void handle(HttpServerRequest request) {
        if (headerBytes(request) > MAX_HEADER_BYTES) {
            request.response().putHeader("Connection", "close");
            Problems.send(request.response(), 431, "Request Header Fields Too Large",
                    "The request's headers exceed " + MAX_HEADER_BYTES + " bytes.");
        } else if (!"/api".equals(request.path())) {
            Problems.send(request.response(), 404, "Not Found",
                    "No such resource: " + request.path() + ". This agent serves GET /api.");
        } else if (request.method() != HttpMethod.GET) {
            request.response().putHeader("Allow", "GET");
            Problems.send(request.response(), 405, "Method Not Allowed",
                    request.method() + " is not allowed on /api; use GET.");
        } else {
            api.handle(request);
        }
    }

    private static int headerBytes(HttpServerRequest request) {
        int bytes = request.uri().length();
        for (Map.Entry<String, String> header : request.headers()) {
            bytes += header.getKey().length() + header.getValue().length() + 4;
        }
        return bytes;
    }
}
