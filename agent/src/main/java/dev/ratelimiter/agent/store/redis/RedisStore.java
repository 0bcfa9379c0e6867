package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.CounterStore;
import dev.ratelimiter.agent.store.StoreUnavailableException;
import dev.ratelimiter.policy.Limit;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
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
  private final RedisOptions options;
  private final String endpoint;
  private final long timeoutMillis;
  private final ScriptCalls script;

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
   * Per event loop one {@link Redis} client and one {@code connect()}ed connection of the kind the
   * library gives for the mode: in Standalone a plain pipelined connection; in Sentinel one to the
   * master the sentinels name at connect time; in Cluster a cluster-aware connection holding one
   * pipelined connection per master, routing each script call by the slot of its keys (so a batch
   * is cut per slot, see {@link Batches}) and loading the script per node through the NOSCRIPT
   * fallback. The library's pool is not used per request, and each loop's client has a pool of its
   * own: a client's pool hands out connections made on whichever event loop asked first, and a
   * connection serves its calls on that loop, so a shared pool puts loops' Redis traffic on the
   * wrong thread, behind other loops' work.
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
    this.script = new ScriptCalls(vertx, endpoint, timeoutMillis);
    this.options = RedisClientOptions.of(target, password, tlsCaFile);
  }

  /**
   * Opens the calling event loop's connection. Completes when connected or after the timeout, never
   * failing: an agent must start (and fail open or closed) even while Redis is away.
   */
  public Future<Void> connectThisLoop() {
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
    return script
        .call(connection, List.of(check))
        .compose(results -> CallGathering.settle(check, results.get(0)));
  }

  /**
   * Cluster: one pipelined batch per master ({@link NodeWrites}); else one script call per batch.
   */
  private List<Future<List<AcquireResult>>> send(
      RedisConnection connection, List<Batches.Batch> batches) {
    if (cluster) {
      return NodeWrites.send(connection, batches, script);
    }
    List<Future<List<AcquireResult>>> results = new ArrayList<>(batches.size());
    batches.forEach(b -> results.add(script.call(connection, b.checks())));
    return results;
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
    List<Future<Void>> all = links.values().stream().map(l -> l.prepared.future()).toList();
    return Future.join(all)
        .timeout(millis, TimeUnit.MILLISECONDS)
        .transform(ar -> Future.succeededFuture(preparation()));
  }

  private String preparation() {
    long connected = links.values().stream().filter(l -> l.connection != null).count();
    int nodes = links.values().stream().mapToInt(l -> l.scriptNodes).max().orElse(0);
    String why = lastConnectError;
    return connected
        + " of "
        + links.size()
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
    return connection
        .send(Request.cmd(Command.PING))
        .timeout(Math.max(timeoutMillis, 250), TimeUnit.MILLISECONDS)
        .transform(
            ar ->
                ar.succeeded()
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(script.unavailable(ar.cause())));
  }

  @Override
  public Future<Void> close() {
    closed = true;
    return Future.join(links.values().stream().map(Link::close).toList()).mapEmpty();
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

  /**
   * One event loop's connection and its reconnect loop; all state changes run on that event loop.
   */
  private final class Link {
    private final Context context;
    private final Redis client;
    private volatile RedisConnection connection;
    private boolean connecting;
    private long backoffMillis = MIN_BACKOFF_MS;
    private final CallGathering calls;

    /**
     * Completed once the first connection is open and has the script loaded, or a connection
     * attempt failed (then the agent goes on, deciding by the failure policy until Redis is back).
     */
    private final Promise<Void> prepared = Promise.promise();

    /** The nodes the last connection loaded the script on. */
    private volatile int scriptNodes;

    Link(Context context) {
      this.context = context;
      this.client = Redis.createClient(vertx, options);
      this.calls =
          new CallGathering(
              context,
              cluster,
              MAX_BATCH,
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
                prepared.tryComplete();
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
      // Redis's time, before the first call needs it for its deadline, and the script on every
      // node, so that no call waits for a NOSCRIPT and a second round
      c.send(Request.cmd(Command.TIME)).onSuccess(script::observeTime);
      loadScript(c)
          .onComplete(
              ar -> {
                scriptNodes = ar.succeeded() ? ar.result() : 0;
                prepared.tryComplete();
              });
    }

    /** Loads the script where {@code c} sends; how many nodes have it. */
    private Future<Integer> loadScript(RedisConnection c) {
      Request load = Request.cmd(Command.SCRIPT).arg("LOAD").arg(LuaScript.LIMITS.source());
      return cluster
          ? RedisCluster.create(c).onAllMasterNodes(load).map(List::size)
          : c.send(load).map(1);
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

    Future<Void> close() {
      RedisConnection c = connection;
      connection = null;
      if (c != null) {
        c.close();
      }
      return client.close();
    }
  }
}
