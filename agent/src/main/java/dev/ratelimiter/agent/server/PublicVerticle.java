package dev.ratelimiter.agent.server;

import dev.ratelimiter.agent.backend.Backend;
import dev.ratelimiter.agent.backend.BackendMetrics;
import dev.ratelimiter.agent.backend.BackendTarget;
import dev.ratelimiter.agent.grpc.RateLimitService;
import dev.ratelimiter.agent.http.ApiHandler;
import dev.ratelimiter.agent.http.CheckHandler;
import dev.ratelimiter.agent.http.PublicRoutes;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.server.guard.ConnectionGuard;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.grpc.server.GrpcServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The public port ({@code /api}, answered here or proxied to the backend, and {@code /check}: see
 * {@link PublicRoutes}) and the gRPC port (Envoy's rate limit service, {@link RateLimitService}),
 * both on this verticle's event loop, so both use its store connection. While the agent warms up,
 * the same handlers also serve the warm-up's requests on loopback ports of their own, under the
 * warm-up's limiter and, instead of the backend, a stand-in that answers at once.
 */
public final class PublicVerticle extends VerticleBase {

  /** Netty's own limit, beyond which it refuses while the request is still arriving. */
  static final int DECODER_MAX_HEADER_BYTES = 64 * 1024;

  /**
   * Port 0 asks for an ephemeral port, which Vert.x would give each instance on its own (and so
   * serve each port from one event loop only); all servers that listen on the same negative port
   * share one ephemeral port instead, balanced over their event loops like any shared port.
   */
  private static final int SHARED_EPHEMERAL_HTTP = -1;

  private static final int SHARED_EPHEMERAL_GRPC = -2;
  private static final int WARM_UP_HTTP = -3;
  private static final int WARM_UP_GRPC = -4;
  private static final int WARM_UP_BACKEND = -5;
  private static final String LOOPBACK = "127.0.0.1";

  /**
   * The warm-up's side: its limiter (the store's own, under the warm-up policy), where its metrics
   * go (a registry nobody scrapes) and the guards of its ports (shared by all instances).
   */
  public record WarmUpSide(
      RateLimiter limiter, MeterRegistry registry, ConnectionGuard http, ConnectionGuard grpc) {}

  private final RateLimiter limiter;
  private final Supplier<Future<Void>> connectStore;
  private final String host;
  private final int port;
  private final Backend backend;
  private final ConnectionGuard guard;
  private final int grpcPort;
  private final ConnectionGuard grpcGuard;
  private final WarmUpSide warmUp;
  private HttpServer server;
  private HttpServer grpcServer;
  private final List<HttpServer> warmUpServers = new ArrayList<>();

  /**
   * @param connectStore run on this verticle's event loop before listening (opens its store
   *     connection)
   * @param backend where allowed requests are proxied; null = {@code GET /api} answers itself
   * @param guard idle timeout, header deadline and connection cap of the public port (shared by all
   *     instances)
   * @param grpcPort the gRPC port (HTTP/2 only)
   * @param grpcGuard idle timeout and connection cap of the gRPC port (shared by all instances)
   * @param warmUp the warm-up's side; null for none
   */
  public PublicVerticle(
      RateLimiter limiter,
      Supplier<Future<Void>> connectStore,
      String host,
      int port,
      Backend backend,
      ConnectionGuard guard,
      int grpcPort,
      ConnectionGuard grpcGuard,
      WarmUpSide warmUp) {
    this.limiter = limiter;
    this.connectStore = connectStore;
    this.host = host;
    this.port = port;
    this.backend = backend;
    this.guard = guard;
    this.grpcPort = grpcPort;
    this.grpcGuard = grpcGuard;
    this.warmUp = warmUp;
  }

  @Override
  public Future<?> start() {
    server = httpServer(guard, limiter, backend);
    grpcServer = grpcServer(grpcGuard, limiter);
    return connectStore
        .get()
        .compose(
            v ->
                ListenFailure.named(
                    server.listen(shared(port, SHARED_EPHEMERAL_HTTP), host),
                    host,
                    port,
                    "HTTP_PORT"))
        .compose(
            s ->
                ListenFailure.named(
                    grpcServer.listen(shared(grpcPort, SHARED_EPHEMERAL_GRPC), host),
                    host,
                    grpcPort,
                    "GRPC_PORT"))
        .compose(s -> warmUp == null ? Future.succeededFuture() : startWarmUpServers());
  }

  private HttpServer httpServer(ConnectionGuard guard, RateLimiter limiter, Backend backend) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setMaxHeaderSize(DECODER_MAX_HEADER_BYTES)
            .setTcpNoDelay(true)
            .setCompressionSupported(false);
    return guard
        .install(vertx.createHttpServer(guard.applyTo(options)))
        .requestHandler(routes(limiter, backend));
  }

  private HttpServer grpcServer(ConnectionGuard guard, RateLimiter limiter) {
    return guard
        .installHttp2(
            vertx.createHttpServer(guard.applyToHttp2(new HttpServerOptions().setTcpNoDelay(true))))
        .requestHandler(new RateLimitService(limiter).bind(GrpcServer.server(vertx)));
  }

  private Handler<HttpServerRequest> routes(RateLimiter limiter, Backend backend) {
    CheckHandler check = new CheckHandler(limiter);
    return backend == null
        ? new PublicRoutes(new ApiHandler(limiter), false, check)
        : new PublicRoutes(backend.proxyHandler(vertx, limiter), true, check);
  }

  /** The warm-up's servers on loopback: the stand-in backend first, then what proxies to it. */
  private Future<?> startWarmUpServers() {
    Future<Backend> standIn = Future.succeededFuture();
    if (backend != null) {
      HttpServer answering =
          vertx
              .createHttpServer()
              .requestHandler(
                  r ->
                      r.response()
                          .putHeader("Content-Type", "application/json")
                          .end("{\"warmUp\":true}"));
      warmUpServers.add(answering);
      standIn =
          answering
              .listen(WARM_UP_BACKEND, LOOPBACK)
              .map(
                  s ->
                      new Backend(
                          BackendTarget.parse("http://" + LOOPBACK + ":" + s.actualPort()),
                          backend.timeoutMillis(),
                          new BackendMetrics(warmUp.registry())));
    }
    return standIn.compose(
        warmBackend -> {
          HttpServer http = httpServer(warmUp.http(), warmUp.limiter(), warmBackend);
          HttpServer grpc = grpcServer(warmUp.grpc(), warmUp.limiter());
          warmUpServers.add(http);
          warmUpServers.add(grpc);
          return http.listen(WARM_UP_HTTP, LOOPBACK)
              .compose(s -> grpc.listen(WARM_UP_GRPC, LOOPBACK));
        });
  }

  /** The warm-up's HTTP port ({@code /api} or the proxy, {@code /check}); -1 when none. */
  public int warmUpHttpPort() {
    return warmUpServers.size() < 2 ? -1 : warmUpServers.get(warmUpServers.size() - 2).actualPort();
  }

  /** The warm-up's gRPC port; -1 when none. */
  public int warmUpGrpcPort() {
    return warmUpServers.isEmpty() ? -1 : warmUpServers.get(warmUpServers.size() - 1).actualPort();
  }

  /** Closes the warm-up's servers (the warm-up is over). */
  public Future<Void> endWarmUp() {
    List<Future<Void>> closed = warmUpServers.stream().map(HttpServer::close).toList();
    return Future.join(closed).mapEmpty();
  }

  static int shared(int port, int ephemeral) {
    return port == 0 ? ephemeral : port;
  }

  /** Stops accepting connections and lets in-flight requests finish, for at most {@code millis}. */
  public Future<Void> drain(long millis) {
    Future<Void> http =
        server == null ? Future.succeededFuture() : server.shutdown(millis, TimeUnit.MILLISECONDS);
    Future<Void> grpc =
        grpcServer == null
            ? Future.succeededFuture()
            : grpcServer.shutdown(millis, TimeUnit.MILLISECONDS);
    return Future.join(http, grpc).mapEmpty();
  }

  public int actualPort() {
    return server.actualPort();
  }

  public int actualGrpcPort() {
    return grpcServer.actualPort();
  }
}
