package dev.ratelimiter.agent.store;

import dev.ratelimiter.policy.Limit;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counters in Redis, shared by every agent replica. Each request is decided atomically inside one
 * {@code EVALSHA} of {@link LuaScript#LIMITS} over the limits that apply to it, whatever their
 * algorithms (no read-then-write from here); the requests an event loop receives while its last
 * call is out share the next ({@link CallGathering}). Commands go over one long-lived, pipelined
 * connection per event loop, never a pool borrow per request; a dropped connection is
 * re-established in the background with backoff while requests fail fast, and every call is bounded
 * by a timeout after which the failure policy decides.
 */
public final class RedisStore implements CounterStore {

  private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);
  private static final long MIN_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 1000;

  /** Checks per script call: bounds how long one call keeps Redis busy. */
  static final int MAX_BATCH = 128;

  private final Vertx vertx;
  private final Redis client;
  private final String endpoint;
  private final long timeoutMillis;

  /**
   * Cluster mode: batches are cut per hash slot, and a node's loss does not drop the whole
   * connection.
   */
  private final boolean cluster;

  /**
   * Keyed by event-loop thread: request contexts are per-request duplicates, the thread is stable.
   */
  private final Map<Thread, Link> links = new ConcurrentHashMap<>();

  private volatile boolean closed;

  /**
   * Why the last connection attempt failed (e.g. a TLS handshake), for readiness and errors; null
   * once connected.
   */
  private volatile String lastConnectError;

  /**
   * One {@link Redis} client for the agent, and per event loop one {@code connect()}ed connection
   * of the kind the library gives for the mode: in Standalone a plain pipelined connection; in
   * Sentinel one to the master the sentinels name at connect time; in Cluster a cluster-aware
   * connection holding one pipelined connection per master, routing each script call by the slot of
   * its keys (so a batch is cut per slot, see {@link Batches}) and loading the script per node
   * through the NOSCRIPT fallback. The library's pool is not used per request.
   *
   * @param tlsCaFile for {@code rediss://}: PEM certificates to trust instead of the JVM's default
   *     trust store; may be null. The server's host name is always verified.
   */
  public RedisStore(
      Vertx vertx, RedisTarget target, String password, long timeoutMillis, Path tlsCaFile) {
    this.vertx = vertx;
    this.endpoint = target.describe();
    this.timeoutMillis = timeoutMillis;
    this.cluster = target.mode() == RedisMode.Cluster;
    this.client = Redis.createClient(vertx, RedisClientOptions.of(target, password, tlsCaFile));
  }

  /**
   * Opens the calling event loop's connection. Completes when connected or after the timeout, never
   * failing: an agent must start (and fail open or closed) even while Redis is away.
   */
  public Future<Void> warmUp() {
    Context context = vertx.getOrCreateContext();
    Link link = links.computeIfAbsent(Thread.currentThread(), t -> new Link(context));
    return link.connectNow().timeout(2, TimeUnit.SECONDS).otherwiseEmpty().mapEmpty();
  }

  @Override
  public Future<AcquireResult> acquire(String scope, String client, List<Limit> limits, long cost) {
    LuaScript.Check check = new LuaScript.Check(scope, client, limits, cost);
    Link own = links.get(Thread.currentThread());
    if (own != null && own.connection != null) {
      return own.calls.enqueue(check);
    }
    RedisConnection connection = connection();
    if (connection == null) {
      return Future.failedFuture(notConnected());
    }
    return call(connection, List.of(check), timeoutMillis)
        .compose(results -> CallGathering.settle(check, results.get(0)));
  }

  /**
   * Cluster: one pipelined batch per master ({@link NodeWrites}); else one script call per batch.
   */
  private List<Future<List<AcquireResult>>> send(
      RedisConnection connection, List<Batches.Batch> batches, long timeoutMillis) {
    if (cluster) {
      return NodeWrites.send(connection, batches, timeoutMillis, this::unavailable);
    }
    List<Future<List<AcquireResult>>> results = new ArrayList<>(batches.size());
    batches.forEach(b -> results.add(call(connection, b.checks(), timeoutMillis)));
    return results;
  }

  /**
   * One script call deciding every check in order; bounded by what is left of the timeout of its
   * oldest check.
   */
  private Future<List<AcquireResult>> call(
      RedisConnection connection, List<LuaScript.Check> checks, long timeoutMillis) {
    if (connection.pendingQueueFull()) {
      return Future.failedFuture(
          new StoreUnavailableException("Redis pipeline to " + endpoint + " is full"));
    }
    return LuaScript.withFallback(
            byText ->
                connection.send(
                    byText ? LuaScript.LIMITS.eval(checks) : LuaScript.LIMITS.evalsha(checks)))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .transform(
            ar ->
                ar.succeeded()
                    ? Future.succeededFuture(LuaScript.toResults(ar.result(), checks))
                    : Future.failedFuture(unavailable(ar.cause())));
  }

  @Override
  public Future<Void> ping() {
    RedisConnection connection = connection();
    if (connection == null) {
      return Future.failedFuture(notConnected());
    }
    return connection
        .send(Request.cmd(Command.PING))
        .timeout(Math.max(timeoutMillis, 250), TimeUnit.MILLISECONDS)
        .transform(
            ar ->
                ar.succeeded()
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(unavailable(ar.cause())));
  }

  @Override
  public Future<Void> close() {
    closed = true;
    links.values().forEach(Link::close);
    return client.close();
  }

  @Override
  public String describe() {
    return "redis " + endpoint;
  }

  private StoreUnavailableException notConnected() {
    String why = lastConnectError;
    return new StoreUnavailableException(
        "not connected to Redis at " + endpoint + (why == null ? "" : ": " + why));
  }

  /** This event loop's connection, else any live one (e.g. from the management verticle). */
  private RedisConnection connection() {
    Link own = links.get(Thread.currentThread());
    if (own != null && own.connection != null) {
      return own.connection;
    }
    for (Link link : links.values()) {
      RedisConnection c = link.connection;
      if (c != null) {
        return c;
      }
    }
    return null;
  }

  private StoreUnavailableException unavailable(Throwable cause) {
    if (cause instanceof StoreUnavailableException e) {
      return e;
    }
    String what =
        cause instanceof java.util.concurrent.TimeoutException
                || String.valueOf(cause.getMessage()).contains("imed out")
            ? "Redis at " + endpoint + " did not answer within " + timeoutMillis + " ms"
            : "Redis at " + endpoint + " failed: " + cause.getMessage();
    return new StoreUnavailableException(what, cause);
  }

  /**
   * One event loop's connection and its reconnect loop; all state changes run on that event loop.
   */
  private final class Link {
    private final Context context;
    private volatile RedisConnection connection;
    private boolean connecting;
    private long backoffMillis = MIN_BACKOFF_MS;
    private final CallGathering calls;

    Link(Context context) {
      this.context = context;
      this.calls =
          new CallGathering(
              context,
              cluster,
              MAX_BATCH,
              timeoutMillis,
              () -> connection,
              RedisStore.this::send,
              RedisStore.this::notConnected,
              this::dropped);
    }

    Future<Void> connectNow() {
      if (connection != null || connecting || closed) {
        return Future.succeededFuture();
      }
      connecting = true;
      return client
          .connect()
          .onSuccess(this::attach)
          .onFailure(
              err -> {
                connecting = false;
                lastConnectError = RedisErrors.describe(err);
                LOG.warn(
                    "Cannot connect to Redis at {}: {}; retrying in {} ms",
                    endpoint,
                    err.getMessage(),
                    backoffMillis);
                connectLater(backoffMillis);
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MS);
              })
          .mapEmpty();
    }

    void connectLater(long delayMillis) {
      if (closed) {
        return;
      }
      if (delayMillis <= 0) {
        context.runOnContext(v -> connectNow());
      } else {
        vertx.setTimer(delayMillis, t -> context.runOnContext(v -> connectNow()));
      }
    }

    private void attach(RedisConnection c) {
      connecting = false;
      if (closed) {
        c.close();
        return;
      }
      lastConnectError = null;
      boolean reconnected = backoffMillis > MIN_BACKOFF_MS;
      backoffMillis = MIN_BACKOFF_MS;
      c.exceptionHandler(err -> LOG.debug("Redis connection error: {}", err.getMessage()));
      c.endHandler(v -> dropped(c));
      RedisConnection previous = connection;
      connection = c;
      if (previous != null && previous != c) {
        previous.close();
      }
      if (reconnected) {
        LOG.info("Reconnected to Redis at {}", endpoint);
      }
    }

    private void dropped(RedisConnection c) {
      if (connection != c) {
        return;
      }
      if (cluster) {
        // One node's connection ended (e.g. a master died). The cluster connection still
        // serves the other slots, and reaches a promoted replica by itself once the slot map
        // names it: keep it, and make a fresh one in the background that replaces it.
        LOG.warn(
            "Lost a connection to a node of Redis {}; connecting afresh in the background",
            endpoint);
        context.runOnContext(v -> reconnectInBackground());
        return;
      }
      connection = null;
      LOG.warn("Lost the connection to Redis at {}; reconnecting", endpoint);
      connectLater(MIN_BACKOFF_MS);
    }

    /** Cluster: like {@link #connectNow}, but while a connection is still in use. */
    private void reconnectInBackground() {
      if (connecting || closed) {
        return;
      }
      connecting = true;
      client
          .connect()
          .onSuccess(this::attach)
          .onFailure(
              err -> {
                connecting = false;
                LOG.debug("Cannot connect to Redis {} yet: {}", endpoint, err.getMessage());
                vertx.setTimer(
                    backoffMillis, t -> context.runOnContext(v -> reconnectInBackground()));
                backoffMillis = Math.min(backoffMillis * 2, MAX_BACKOFF_MS);
              });
    }

    void close() {
      RedisConnection c = connection;
      connection = null;
      if (c != null) {
        c.close();
      }
    }
  }
}
