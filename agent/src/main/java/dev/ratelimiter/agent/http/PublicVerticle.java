package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.backend.Backend;
import dev.ratelimiter.agent.http.guard.ConnectionGuard;
import dev.ratelimiter.agent.limiter.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.util.function.Supplier;

/** The public port: {@code /api}, answered here or proxied to the backend (see {@link PublicRoutes}). */
public final class PublicVerticle extends VerticleBase {

    /** Netty's own limit, beyond which it refuses while the request is still arriving. */
    static final int DECODER_MAX_HEADER_BYTES = 64 * 1024;

    private final RateLimiter limiter;
    private final Supplier<Future<Void>> warmUp;
    private final String host;
    private final int port;
    private final Backend backend;
    private final ConnectionGuard guard;
    private HttpServer server;

    /**
     * @param warmUp  run on this verticle's event loop before listening (opens its store connection)
     * @param backend where allowed requests are proxied; null = {@code GET /api} answers itself
     * @param guard   idle timeout, header deadline and connection cap of the public port (shared by all instances)
     */
    public PublicVerticle(RateLimiter limiter, Supplier<Future<Void>> warmUp, String host, int port, Backend backend, ConnectionGuard guard) {
        this.limiter = limiter;
        this.warmUp = warmUp;
        this.host = host;
        this.port = port;
        this.backend = backend;
        this.guard = guard;
    }

    @Override
    public Future<?> start() {
        HttpServerOptions options = new HttpServerOptions()
                .setMaxHeaderSize(DECODER_MAX_HEADER_BYTES)
                .setTcpNoDelay(true)
                .setCompressionSupported(false);
        server = guard.install(vertx.createHttpServer(guard.applyTo(options)))
                .requestHandler(routes());
        return warmUp.get().compose(v -> server.listen(port, host));
    }

    private Handler<HttpServerRequest> routes() {
        return backend == null
                ? new PublicRoutes(new ApiHandler(limiter), false)
                : new PublicRoutes(backend.proxyHandler(vertx, limiter), true);
    }

    /** Stops accepting connections and lets in-flight requests finish, for at most {@code millis}. */
    public Future<Void> drain(long millis) {
        return server == null ? Future.succeededFuture() : server.shutdown(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public int actualPort() {
        return server.actualPort();
    }
}
