package dev.ratelimiter.agent;

import dev.ratelimiter.agent.backend.Backend;
import dev.ratelimiter.agent.backend.BackendMetrics;
import dev.ratelimiter.agent.http.AdminClientsHandler;
import dev.ratelimiter.agent.http.AdminPolicyHandler;
import dev.ratelimiter.agent.http.HealthHandler;
import dev.ratelimiter.agent.limiter.ActivePolicy;
import dev.ratelimiter.agent.limiter.ClientQuotas;
import dev.ratelimiter.agent.limiter.LimiterMetrics;
import dev.ratelimiter.agent.limiter.RateLimiter;
import dev.ratelimiter.agent.server.ManagementVerticle;
import dev.ratelimiter.agent.server.PublicVerticle;
import dev.ratelimiter.agent.server.guard.ConnectionGuard;
import dev.ratelimiter.agent.startup.Startup;
import dev.ratelimiter.agent.startup.WarmUp;
import dev.ratelimiter.agent.startup.WarmUpPolicy;
import dev.ratelimiter.agent.store.CounterStore;
import dev.ratelimiter.agent.store.memory.InMemoryStore;
import dev.ratelimiter.agent.store.redis.RedisStore;
import dev.ratelimiter.policy.Policy;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** One running agent: its Vert.x instance, store, policy and both ports. */
public final class Agent {

  private static final LongSupplier MONOTONIC_MILLIS = () -> System.nanoTime() / 1_000_000L;

  private final Vertx vertx;
  private final CounterStore store;
  private final List<PublicVerticle> publicVerticles;
  private final ManagementVerticle management;
  private final ScheduledExecutorService sweeper;
  private final Startup startup;

  private Agent(
      Vertx vertx,
      CounterStore store,
      List<PublicVerticle> publicVerticles,
      ManagementVerticle management,
      ScheduledExecutorService sweeper,
      Startup startup) {
    this.vertx = vertx;
    this.store = store;
    this.publicVerticles = publicVerticles;
    this.management = management;
    this.sweeper = sweeper;
    this.startup = startup;
  }

  public static Future<Agent> start(AgentSettings settings, Policy policy) {
    Vertx vertx = Vertx.vertx();
    CounterStore store =
        settings.redisUrl() == null
            ? new InMemoryStore(settings.memoryMaxClients())
            : new RedisStore(
                vertx,
                settings.redisTarget(),
                settings.redisPassword(),
                settings.redisTimeoutMillis(),
                settings.redisTlsCaFile());
    ActivePolicy activePolicy = new ActivePolicy(policy);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // process_start_time_seconds: its changes count restarts (alert RatelimiterAgentRestarts)
    new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
    if (store instanceof RedisStore redis) {
      FunctionCounter.builder("ratelimiter.store.late.counted", redis, RedisStore::lateCounted)
          .description(
              "Requests the failure policy decided whose call Redis had run in time after all, its reply too slow on the way back: they were counted")
          .register(registry);
    }
    Gauge.builder("ratelimiter.policy.generation", activePolicy, p -> p.get().generation())
        .description("Generation of the policy in force")
        .register(registry);
    // failurePolicy Local: each agent's share of the limits while the store is away
    InMemoryStore localStore = new InMemoryStore(settings.memoryMaxClients());
    RateLimiter limiter =
        new RateLimiter(
            activePolicy, store, localStore, MONOTONIC_MILLIS, new LimiterMetrics(registry));
    limiter.fullStoreRefuses(settings.memoryFullRefuses());
    ClientQuotas quotas = new ClientQuotas(limiter);
    store.onReset(quotas::forget); // a reset on any agent: forget this one's cached refusals
    Gauge.builder("ratelimiter.rejection.cache.size", limiter.rejections(), c -> c.size())
        .description("Clients answered locally until their window ends")
        .register(registry);

    // Sweeping walks every tracked client: keep it off the event loops.
    ScheduledExecutorService sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ratelimiter-sweeper");
              t.setDaemon(true);
              return t;
            });
    sweeper.scheduleWithFixedDelay(
        () -> {
          limiter.rejections().sweep();
          localStore.sweepExpired();
          if (store instanceof InMemoryStore memory) {
            memory.sweepExpired();
          }
        },
        1,
        1,
        TimeUnit.SECONDS);

    Supplier<Future<Void>> connectStore =
        store instanceof RedisStore redis ? redis::connectThisLoop : Future::succeededFuture;
    Startup startup = new Startup(registry);
    // The warm-up's own limiter: the same store and code under the warm-up policy, counted in a
    // registry nobody scrapes.
    Policy warmUpPolicy = WarmUpPolicy.of(policy);
    PrometheusMeterRegistry warmUpRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<PublicVerticle> publicVerticles = new CopyOnWriteArrayList<>();
    // One public verticle per event loop, all sharing the ports (an ephemeral one too).
    int instances = settings.eventLoops();
    ConnectionGuard publicGuard =
        new ConnectionGuard(
            "public",
            settings.httpIdleTimeoutSeconds(),
            settings.httpHeaderTimeoutSeconds(),
            settings.httpMaxConnections(),
            registry);
    ConnectionGuard grpcGuard =
        new ConnectionGuard(
            "grpc",
            settings.httpIdleTimeoutSeconds(),
            settings.httpHeaderTimeoutSeconds(),
            settings.httpMaxConnections(),
            registry);
    ConnectionGuard managementGuard =
        new ConnectionGuard(
            "management",
            settings.httpIdleTimeoutSeconds(),
            settings.httpHeaderTimeoutSeconds(),
            ManagementVerticle.MAX_CONNECTIONS,
            registry);
    PublicVerticle.WarmUpSide warmUpSide =
        settings.warmUpSeconds() == 0
            ? null
            : new PublicVerticle.WarmUpSide(
                new RateLimiter(
                    new ActivePolicy(warmUpPolicy),
                    store,
                    localStore,
                    MONOTONIC_MILLIS,
                    new LimiterMetrics(warmUpRegistry)),
                warmUpRegistry,
                publicGuard.alike("warm-up", warmUpRegistry),
                grpcGuard.alike("warm-up-grpc", warmUpRegistry));
    ManagementVerticle management =
        new ManagementVerticle(
            new HealthHandler(activePolicy, store, startup),
            new AdminPolicyHandler(activePolicy, settings.adminToken(), store),
            new AdminClientsHandler(quotas, limiter.topRefused()),
            registry,
            settings.bindAddress(),
            settings.managementPort(),
            managementGuard);

    Backend backend =
        settings.backend() == null
            ? null
            : new Backend(
                settings.backend(), settings.backendTimeoutMillis(), new BackendMetrics(registry));
    return vertx
        .deployVerticle(
            () -> {
              PublicVerticle v =
                  new PublicVerticle(
                      limiter,
                      connectStore,
                      settings.bindAddress(),
                      settings.httpPort(),
                      backend,
                      publicGuard,
                      settings.grpcPort(),
                      grpcGuard,
                      warmUpSide);
              publicVerticles.add(v);
              return v;
            },
            new DeploymentOptions().setInstances(instances))
        .compose(id -> vertx.deployVerticle(management))
        .compose(
            id ->
                startup.run(
                    store,
                    () -> warmUp(vertx, settings, warmUpPolicy, warmUpSide, publicVerticles)))
        .map(id -> new Agent(vertx, store, publicVerticles, management, sweeper, startup))
        // Close without chaining on it: a closed Vert.x can no longer run our callbacks.
        .onFailure(
            err -> {
              sweeper.shutdownNow();
              vertx.close();
            });
  }

  /** Warms up through the first public verticle's warm-up ports, then closes them all. */
  private static Future<WarmUp.Report> warmUp(
      Vertx vertx,
      AgentSettings settings,
      Policy warmUpPolicy,
      PublicVerticle.WarmUpSide side,
      List<PublicVerticle> verticles) {
    if (side == null) {
      return Future.succeededFuture(new WarmUp.Report(0, 0, "off (WARM_UP_SECONDS=0)"));
    }
    PublicVerticle first = verticles.get(0);
    WarmUp.Targets targets =
        new WarmUp.Targets(
            first.warmUpHttpPort(), first.warmUpGrpcPort(), settings.backend() != null);
    return WarmUp.run(
            vertx,
            warmUpPolicy,
            targets,
            settings.warmUpSeconds() * 1000L,
            () ->
                (long)
                    side.registry().find("ratelimiter.store.failures").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum())
        .compose(
            report ->
                Future.join(verticles.stream().map(PublicVerticle::endWarmUp).toList())
                    .transform(ar -> Future.succeededFuture(report)));
  }

  public Startup startup() {
    return startup;
  }

  public int httpPort() {
    return publicVerticles.get(0).actualPort();
  }

  public int grpcPort() {
    return publicVerticles.get(0).actualGrpcPort();
  }

  public int managementPort() {
    return management.actualPort();
  }

  public CounterStore store() {
    return store;
  }

  /**
   * Stops accepting, lets in-flight requests finish for at most {@code drainMillis}, closes the
   * store, then closes Vert.x. The returned stage completes once the requests are done and the
   * store is closed; it is completed directly (not through Vert.x), because callbacks scheduled on
   * a Vert.x that is closing are rejected.
   */
  public CompletableFuture<Void> stop(long drainMillis) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    List<Future<Void>> drains = publicVerticles.stream().map(v -> v.drain(drainMillis)).toList();
    Future.join(drains)
        .eventually(store::close)
        .onComplete(
            ar -> {
              sweeper.shutdownNow();
              done.complete(null);
              vertx.close();
            });
    return done;
  }
}
