package dev.ratelimiter.agent.http;

import dev.ratelimiter.agent.backend.Backend;
import dev.ratelimiter.agent.grpc.RateLimitService;
import dev.ratelimiter.agent.http.guard.ConnectionGuard;
import dev.ratelimiter.agent.limiter.RateLimiter;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.server.GrpcServer;
import java.util.function.Supplier;

/**
 * The public port ({@code /api}, answered here or proxied to the backend, and {@code /check}: see
 * {@link PublicRoutes}) and the gRPC port (Envoy's rate limit service, {@link RateLimitService}),
 * both on this verticle's event loop, so both use its store connection.
 */
public final class PublicVerticle extends VerticleBase {

  /** Netty's own limit, beyond which it refuses while the request is still arriving. */
  static final int DECODER_MAX_HEADER_BYTES = 64 * 1024;

  private final RateLimiter limiter;
  private final Supplier<Future<Void>> warmUp;
  private final String host;
  private final int port;
  private final Backend backend;
  private final ConnectionGuard guard;
  private final int grpcPort;
  private final ConnectionGuard grpcGuard;
  private HttpServer server;
  private HttpServer grpcServer;

  /**
   * @param warmUp run on this verticle's event loop before listening (opens its store connection)
   * @param backend where allowed requests are proxied; null = {@code GET /api} answers itself
   * @param guard idle timeout, header deadline and connection cap of the public port (shared by all
   *     instances)
   * @param grpcPort the gRPC port (HTTP/2 only)
   * @param grpcGuard idle timeout and connection cap of the gRPC port (shared by all instances)
   */
  public PublicVerticle(
      RateLimiter limiter,
      Supplier<Future<Void>> warmUp,
      String host,
      int port,
      Backend backend,
      ConnectionGuard guard,
      int grpcPort,
      ConnectionGuard grpcGuard) {
    this.limiter = limiter;
    this.warmUp = warmUp;
    this.host = host;
    this.port = port;
    this.backend = backend;
    this.guard = guard;
    this.grpcPort = grpcPort;
    this.grpcGuard = grpcGuard;
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options =
        new HttpServerOptions()
            .setMaxHeaderSize(DECODER_MAX_HEADER_BYTES)
            .setTcpNoDelay(true)
            .setCompressionSupported(false);
    server = guard.install(vertx.createHttpServer(guard.applyTo(options))).requestHandler(routes());
    grpcServer =
        grpcGuard
            .installHttp2(
                vertx.createHttpServer(
                    grpcGuard.applyToHttp2(new HttpServerOptions().setTcpNoDelay(true))))
            .requestHandler(new RateLimitService(limiter).bind(GrpcServer.server(vertx)));
    return warmUp
        .get()
        .compose(v -> server.listen(port, host))
        .compose(s -> grpcServer.listen(grpcPort, host));
  }

  private Handler<HttpServerRequest> routes() {
    CheckHandler check = new CheckHandler(limiter);
    return backend == null
        ? new PublicRoutes(new ApiHandler(limiter), false, check)
        : new PublicRoutes(backend.proxyHandler(vertx, limiter), true, check);
  }

  /** Stops accepting connections and lets in-flight requests finish, for at most {@code millis}. */
  public Future<Void> drain(long millis) {
    Future<Void> http =
        server == null
            ? Future.succeededFuture()
            : server.shutdown(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    Future<Void> grpc =
        grpcServer == null
            ? Future.succeededFuture()
            : grpcServer.shutdown(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    return Future.join(http, grpc).mapEmpty();
  }

  public int actualPort() {
    return server.actualPort();
  }

  public int actualGrpcPort() {
    return grpcServer.actualPort();
  }
}
