package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.CounterKeys;
import dev.ratelimiter.agent.store.CounterStore;
import dev.ratelimiter.agent.store.StoreUnavailableException;
import dev.ratelimiter.policy.Limit;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Counters in Redis, shared by every agent replica. Each request is decided atomically inside one
 * {@code EVALSHA} of {@link LuaScript#LIMITS} over the limits that apply to it, whatever their
 * algorithms (no read-then-write from here); the requests an event loop receives while its last
 * call is out share the next ({@link CheckBatcher}). Commands go over one long-lived, pipelined
 * connection per event loop, never a pool borrow per request; a dropped connection is
 * re-established in the background with backoff while requests fail fast, and every call is bounded
 * by a timeout after which the failure policy decides.
 */
public final class RedisStore implements CounterStore {

  /** Checks per script call: bounds how long one call keeps Redis busy. */
  static final int MAX_BATCH = 128;

  private final Vertx vertx;
  private final RedisOptions options;
  private final String endpoint;
  private final long timeoutMillis;
  private final ScriptCalls script;

  /**
   * Cluster mode: batches are cut per hash slot, and a node's loss does not drop the whole
   * connection.
   */
  private final boolean cluster;

  /** What each loop's connection shares with the others: the store's closing, its last error. */
  private final LoopConnection.Store shared =
      new LoopConnection.Store() {
        @Override
        public boolean closed() {
          return closed;
        }

        @Override
        public void lastConnectError(String why) {
          lastConnectError = why;
        }

        @Override
        public StoreUnavailableException notConnected() {
          return RedisStore.this.notConnected();
        }
      };

  /**
   * Keyed by event-loop thread: request contexts are per-request duplicates, the thread is stable.
   */
  private final Map<Thread, LoopConnection> loops = new ConcurrentHashMap<>();

  private volatile boolean closed;

  private final List<ResetNotices> notices = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Why the last connection attempt failed (e.g. a TLS handshake), for readiness and errors; null
   * once connected.
   */
  private volatile String lastConnectError;

  /**
   * Per event loop one {@link LoopConnection}: one {@link io.vertx.redis.client.Redis} client and
   * one {@code connect()}ed connection of the kind the library gives for the mode: in Standalone a
   * plain pipelined connection; in Sentinel one to the master the sentinels name at connect time;
   * in Cluster a cluster-aware connection holding one pipelined connection per master, routing each
   * script call by its one declared key to that slot's master (so a flush is grouped by master, see
   * {@link NodeWrites}) and loading the script per node through the NOSCRIPT fallback. The
   * library's pool is not used per request, and each loop's client has a pool of its own: a
   * client's pool hands out connections made on whichever event loop asked first, and a connection
   * serves its calls on that loop, so a shared pool puts loops' Redis traffic on the wrong thread,
   * behind other loops' work.
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
    this.script =
        new ScriptCalls(
            vertx,
            endpoint,
            timeoutMillis,
            cluster ? LuaScript.LIMITS_ACROSS_SLOTS : LuaScript.LIMITS);
    this.options = RedisClientOptions.of(target, password, tlsCaFile);
  }

  /**
   * Opens the calling event loop's connection. Completes when connected or after the timeout, never
   * failing: an agent must start (and fail open or closed) even while Redis is away.
   */
  public Future<Void> connectThisLoop() {
    Context context = vertx.getOrCreateContext();
    LoopConnection loop =
        loops.computeIfAbsent(
            Thread.currentThread(),
            t ->
                new LoopConnection(
                    vertx, context, options, cluster, endpoint, script, MAX_BATCH, shared));
    return loop.connectNow().timeout(2, TimeUnit.SECONDS).otherwiseEmpty().mapEmpty();
  }

  @Override
  public Future<AcquireResult> acquireEach(
      String scope, String client, List<Limit> limits, long[] costs) {
    LuaScript.Check check = new LuaScript.Check(scope, client, limits, costs);
    LoopConnection own = loops.get(Thread.currentThread());
    if (own != null && own.connection() != null) {
      return own.calls().enqueue(check);
    }
    RedisConnection connection = connection();
    if (connection == null) {
      return Future.failedFuture(notConnected());
    }
    return script
        .call(connection, List.of(check))
        .compose(results -> CheckBatcher.settle(check, results.get(0)));
  }

  /**
   * One call of the settlement script on this loop's connection (Cluster: the client's node, all of
   * its counters share a slot), bounded by the timeout. It is not retried: a settlement that Redis
   * ran late still counts once, and one that failed leaves the reservation standing.
   */
  @Override
  public Future<Void> settle(String scope, String client, List<Limit> limits, long[] deltas) {
    RedisConnection connection = connection();
    if (connection == null) {
      return Future.failedFuture(notConnected());
    }
    return bounded(
        LuaScript.withFallback(
            byText ->
                connection.send(LuaScript.SETTLE.settle(scope, client, limits, deltas, byText))));
  }

  /**
   * Deletes the client's counters of {@code limits} in one command (Cluster: they share a slot).
   */
  @Override
  public Future<Void> reset(String scope, String client, List<Limit> limits) {
    RedisConnection connection = connection();
    if (connection == null) {
      return Future.failedFuture(notConnected());
    }
    Request delete = Request.cmd(Command.DEL);
    for (Limit limit : limits) {
      delete.arg(CounterKeys.key(scope, client, limit));
    }
    return bounded(
        connection
            .send(delete)
            .compose(deleted -> connection.send(ResetNotices.publish(scope, client))));
  }

  /** A one-off command's reply, within the timeout (at least 250 ms), failures as the store's. */
  private Future<Void> bounded(Future<?> call) {
    return call.timeout(Math.max(timeoutMillis, 250), TimeUnit.MILLISECONDS)
        .transform(
            ar ->
                ar.succeeded()
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(script.unavailable(ar.cause())));
  }

  /**
   * Subscribes, on a connection of its own, to the resets any agent makes (see {@link
   * ResetNotices}).
   */
  @Override
  public synchronized void onReset(java.util.function.BiConsumer<String, String> listener) {
    ResetNotices subscription = new ResetNotices(vertx, options, listener);
    notices.add(subscription);
    subscription.start();
  }

  /**
   * Requests the failure policy decided whose call was counted after all (see {@link
   * ScriptCalls#lateCounted}).
   */
  public long lateCounted() {
    return script.lateCounted();
  }

  /**
   * Waits, for at most {@code millis}, until every event loop's connection is open and the script
   * is loaded on every node it reaches (Cluster: every master), so that no first request pays for
   * either.
   */
  @Override
  public Future<String> prepare(long millis) {
    List<Future<Void>> all = loops.values().stream().map(LoopConnection::prepared).toList();
    return Future.join(all)
        .timeout(millis, TimeUnit.MILLISECONDS)
        .transform(ar -> Future.succeededFuture(preparation()));
  }

  private String preparation() {
    long connected = loops.values().stream().filter(l -> l.connection() != null).count();
    int nodes = loops.values().stream().mapToInt(LoopConnection::scriptNodes).max().orElse(0);
    String why = lastConnectError;
    return connected
        + " of "
        + loops.size()
        + " event loops connected to "
        + describe()
        + "; script loaded on "
        + nodes
        + (nodes == 1 ? " node" : " nodes")
        + (why == null ? "" : "; last connection error: " + why);
  }

  @Override
  public Future<Void> ping() {
    RedisConnection connection = connection();
    if (connection == null) {
      return Future.failedFuture(notConnected());
    }
    return bounded(connection.send(Request.cmd(Command.PING)));
  }

  @Override
  public Future<Void> close() {
    closed = true;
    notices.forEach(ResetNotices::close);
    return Future.join(loops.values().stream().map(LoopConnection::close).toList()).mapEmpty();
  }

  @Override
  public String describe() {
    return "redis " + endpoint;
  }

  private StoreUnavailableException notConnected() {
    String why = lastConnectError;
    return new StoreUnavailableException(
        StoreUnavailableException.Reason.DISCONNECTED,
        "not connected to Redis at " + endpoint + (why == null ? "" : ": " + why));
  }

  /** This event loop's connection, else any live one (e.g. from the management verticle). */
  private RedisConnection connection() {
    LoopConnection own = loops.get(Thread.currentThread());
    if (own != null && own.connection() != null) {
      return own.connection();
    }
    for (LoopConnection loop : loops.values()) {
      RedisConnection c = loop.connection();
      if (c != null) {
        return c;
      }
    }
    return null;
  }
}
