package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.limiter.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.util.function.Supplier;

/** The public port: {@code GET /api} only; everything else 404 (problem+json). */
public final class PublicVerticle extends VerticleBase {

    /** Larger headers than this are refused with 431 once fully read (a clean close, not a reset). */
    static final int MAX_HEADER_BYTES = 8192;
    /** Netty's own limit, beyond which it refuses while the request is still arriving. */
    static final int DECODER_MAX_HEADER_BYTES = 64 * 1024;

    private final RateLimiter limiter;
    private final Supplier<Future<Void>> warmUp;
    private final String host;
    private final int port;
    private HttpServer server;

    /** @param warmUp run on this verticle's event loop before listening (opens its store connection) */
    public PublicVerticle(RateLimiter limiter, Supplier<Future<Void>> warmUp, String host, int port) {
        this.limiter = limiter;
        this.warmUp = warmUp;
        this.host = host;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(new HttpServerOptions()
                        .setMaxHeaderSize(DECODER_MAX_HEADER_BYTES)
                        .setTcpNoDelay(true)
                        .setCompressionSupported(false))
                .requestHandler(router());
        return warmUp.get().compose(v -> server.listen(port, host));
    }

    Router router() {
        Router router = Router.router(vertx);
        router.route().handler(PublicVerticle::refuseOversizedHeaders);
        router.get("/api").handler(new ApiHandler(limiter));
        router.route("/api").handler(ctx -> {
            ctx.response().putHeader("Allow", "GET");
            Problems.send(ctx.response(), 405, "Method Not Allowed",
                    ctx.request().method() + " is not allowed on /api; use GET.");
        });
        router.route().last().handler(ctx -> Problems.send(ctx.response(), 404, "Not Found",
                "No such resource: " + ctx.request().path() + ". This agent serves GET /api."));
        router.errorHandler(500, ctx -> Problems.send(ctx.response(), 500, "Internal Server Error",
                "The agent failed to handle this request."));
        return router;
    }

    private static void refuseOversizedHeaders(io.vertx.ext.web.RoutingContext ctx) {
        int bytes = ctx.request().uri().length();
        for (java.util.Map.Entry<String, String> header : ctx.request().headers()) {
            bytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (bytes > MAX_HEADER_BYTES) {
            ctx.response().putHeader("Connection", "close");
            Problems.send(ctx.response(), 431, "Request Header Fields Too Large",
                    "The request's headers exceed " + MAX_HEADER_BYTES + " bytes.");
            return;
        }
        ctx.next();
    }

    /** Stops accepting connections and lets in-flight requests finish, for at most {@code millis}. */
    public Future<Void> drain(long millis) {
        return server == null ? Future.succeededFuture() : server.shutdown(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public int actualPort() {
        return server.actualPort();
    }
}
