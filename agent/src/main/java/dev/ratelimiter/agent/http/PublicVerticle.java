package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.limiter.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.util.function.Supplier;

/** The public port: {@code GET /api} (see {@link PublicRoutes}). */
public final class PublicVerticle extends VerticleBase {

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
                .requestHandler(new PublicRoutes(new ApiHandler(limiter)));
        return warmUp.get().compose(v -> server.listen(port, host));
    }

    /** Stops accepting connections and lets in-flight requests finish, for at most {@code millis}. */
    public Future<Void> drain(long millis) {
        return server == null ? Future.succeededFuture() : server.shutdown(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public int actualPort() {
        return server.actualPort();
    }
}
