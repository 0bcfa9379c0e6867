package dev.ratelimiter.agent.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import java.util.function.Supplier;

/**
 * The benchmark's baseline: a plain Vert.x server answering {@code GET /api} with a small JSON body
 * and no limiting, on as many event loops as the agent uses. Run by {@code bench/run.sh}.
 */
public final class RawServer extends VerticleBase {

  private final int port;

  private RawServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx
        .createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
        .requestHandler(
            req -> {
              if (req.path().equals("/api")) {
                req.response()
                    .putHeader("Content-Type", "application/json")
                    .end("{\"status\":\"ok\",\"client\":\"127.0.0.1\"}");
              } else {
                req.response().setStatusCode(404).end();
              }
            })
        .listen(port, "127.0.0.1");
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args.length > 0 ? args[0] : "8081");
    deployOnEveryCore(() -> new RawServer(port), "raw server on 127.0.0.1:" + port);
  }

  /** Deploys one instance per core, as the agent runs one event loop per core; exits on failure. */
  static void deployOnEveryCore(Supplier<VerticleBase> verticle, String started) {
    Vertx.vertx()
        .deployVerticle(
            verticle,
            new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .onSuccess(id -> System.out.println(started))
        .onFailure(
            err -> {
              err.printStackTrace();
              System.exit(1);
            });
  }
}
