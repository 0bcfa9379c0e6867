package dev.ratelimiter.agent.startup;

import dev.ratelimiter.agent.store.CounterStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.lang.management.ManagementFactory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's way from process start to ready, and what {@code /health/ready} and {@code
 * ratelimiter_startup_seconds{phase}} say of it: first the store is prepared (every event loop's
 * connection, the script on every node), then the request path is warmed up ({@link WarmUp}); only
 * then is the agent ready, so that ready means it decides at full speed.
 */
public final class Startup {

  private static final Logger LOG = LoggerFactory.getLogger(Startup.class);

  /** How long the store may take to get ready before the agent goes on without it. */
  public static final long PREPARE_MILLIS = 5_000;

  private volatile String store = "preparing";
  private volatile String warmUp = "waiting for the store";
  private volatile boolean ready;
  private volatile double storeSeconds = Double.NaN;
  private volatile double warmUpSeconds = Double.NaN;
  private volatile double readySeconds = Double.NaN;

  public Startup(MeterRegistry registry) {
    gauge(registry, "store", () -> storeSeconds);
    gauge(registry, "warm_up", () -> warmUpSeconds);
    gauge(registry, "ready", () -> readySeconds);
  }

  private static void gauge(MeterRegistry registry, String phase, Supplier<Double> seconds) {
    Gauge.builder("ratelimiter.startup", seconds, Supplier::get)
        .baseUnit("seconds")
        .description(
            "How long start-up took: the store's preparation, the warm-up, and from process start to ready")
        .tag("phase", phase)
        .register(registry);
  }

  /**
   * Prepares {@code counters}, then runs {@code warmingUp}; completes (never failing) when the
   * agent is ready.
   */
  public Future<Void> run(CounterStore counters, Supplier<Future<WarmUp.Report>> warmingUp) {
    long began = System.nanoTime();
    return counters
        .prepare(PREPARE_MILLIS)
        .compose(
            prepared -> {
              store = prepared;
              storeSeconds = secondsSince(began);
              warmUp = "running";
              long warmUpBegan = System.nanoTime();
              return warmingUp
                  .get()
                  .map(
                      report -> {
                        warmUp = report.describe();
                        warmUpSeconds = secondsSince(warmUpBegan);
                        return null;
                      });
            })
        .transform(
            ar -> {
              readySeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
              ready = true;
              LOG.info(
                  "Ready {} s after the process started: {}; warm-up: {}",
                  readySeconds,
                  store,
                  warmUp);
              return Future.succeededFuture();
            });
  }

  public boolean ready() {
    return ready;
  }

  /** What the store's preparation found. */
  public String store() {
    return store;
  }

  /** What the warm-up did, or that it is running. */
  public String warmUp() {
    return warmUp;
  }

  /** Seconds from process start to ready; NaN before. */
  public double readySeconds() {
    return readySeconds;
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }
}
