package dev.ratelimiter.agent.server;

import dev.ratelimiter.agent.answer.Problems;
import dev.ratelimiter.agent.http.AdminClientsHandler;
import dev.ratelimiter.agent.http.AdminPolicyHandler;
import dev.ratelimiter.agent.http.HealthHandler;
import dev.ratelimiter.agent.server.guard.ConnectionGuard;
import dev.ratelimiter.contract.AgentContract;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The management port: health, Prometheus metrics and the admin API. Never exposed by the public
 * Service.
 */
public final class ManagementVerticle extends VerticleBase {

  /** A policy of 16 limits is a few KiB; this is plenty. */
  static final long MAX_POLICY_BYTES = 64 * 1024;

  /**
   * Probes, a scraper and the operator need a handful; the cap bounds what anyone else can hold.
   */
  public static final int MAX_CONNECTIONS = 256;

  private final HealthHandler health;
  private final AdminPolicyHandler admin;
  private final AdminClientsHandler clients;
  private final PrometheusMeterRegistry registry;
  private final String host;
  private final int port;
  private final ConnectionGuard guard;
  private HttpServer server;

  public ManagementVerticle(
      HealthHandler health,
      AdminPolicyHandler admin,
      AdminClientsHandler clients,
      PrometheusMeterRegistry registry,
      String host,
      int port,
      ConnectionGuard guard) {
    this.guard = guard;
    this.health = health;
    this.admin = admin;
    this.clients = clients;
    this.registry = registry;
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    server =
        guard
            .install(vertx.createHttpServer(guard.applyTo(new HttpServerOptions())))
            .requestHandler(router());
    return ListenFailure.named(server.listen(port, host), host, port, "MANAGEMENT_PORT");
  }

  Router router() {
    Router router = Router.router(vertx);
    router.get("/health/live").handler(health::live);
    router.get("/health/ready").handler(health::ready);
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(registry.scrape()));
    // The token is checked first, so an unauthenticated request never gets its body read.
    router.get(AgentContract.ADMIN_POLICY_PATH).handler(admin.tokenCheck()).handler(admin::get);
    router
        .put(AgentContract.ADMIN_POLICY_PATH)
        .handler(admin.tokenCheck())
        .handler(BodyHandler.create().setBodyLimit(MAX_POLICY_BYTES).setHandleFileUploads(false))
        .handler(admin::put);
    String client = AdminClientsHandler.PATH + "/[^/]+";
    router.get(AdminClientsHandler.PATH).handler(admin.tokenCheck()).handler(clients::top);
    router
        .post(AdminClientsHandler.PATH + "/lookup")
        .handler(admin.tokenCheck())
        .handler(
            BodyHandler.create()
                .setBodyLimit(AdminClientsHandler.MAX_LOOKUP_BYTES)
                .setHandleFileUploads(false))
        .handler(clients::lookup);
    router.getWithRegex(client).handler(admin.tokenCheck()).handler(clients::inspect);
    router.deleteWithRegex(client).handler(admin.tokenCheck()).handler(clients::reset);
    router
        .route()
        .last()
        .handler(
            ctx ->
                Problems.send(
                    ctx.response(), 404, "Not Found", "No such resource: " + ctx.request().path()));
    router.errorHandler(
        405,
        ctx ->
            Problems.send(
                ctx.response(),
                405,
                "Method Not Allowed",
                ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(
        413,
        ctx -> {
          ctx.response().putHeader("Connection", "close"); // the rest of the body is not read
          Problems.send(
              ctx.response(),
              413,
              "Content Too Large",
              ctx.request().path().startsWith(AdminClientsHandler.PATH)
                  ? "A lookup may be at most " + AdminClientsHandler.MAX_LOOKUP_BYTES + " bytes."
                  : "A policy document may be at most " + MAX_POLICY_BYTES + " bytes.");
          ctx.request().connection().close();
        });
    router.errorHandler(
        500,
        ctx ->
            Problems.send(
                ctx.response(),
                500,
                "Internal Server Error",
                "The agent failed to handle this request."));
    return router;
  }

  public int actualPort() {
    return server.actualPort();
  }
}
