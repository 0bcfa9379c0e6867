package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.StoreUnavailableException;
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
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop's Redis client, its {@code connect()}ed connection and its reconnect loop, and the
 * queue of that loop's checks ({@link CheckBatcher}); all state changes run on that event loop.
 * {@link RedisStore} keeps one per event loop.
 */
final class LoopConnection {

  /** The store's logger: its connection messages keep the category they always had. */
  private static final Logger LOG = LoggerFactory.getLogger(RedisStore.class);

  private static final long MIN_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 1000;

  /** What a loop's connection shares with the store's other loops. */
  interface Store {
    /** True once the store is closed: no connection is opened any more. */
    boolean closed();

    /** Why the last connection attempt failed; null once connected. */
    void lastConnectError(String why);

    StoreUnavailableException notConnected();
  }

  private final Vertx vertx;
  private final Context context;
  private final Redis client;
  private final boolean cluster;
  private final String endpoint;
  private final ScriptCalls script;
  private final int maxBatch;
  private final Store store;
  private volatile RedisConnection connection;
  private boolean connecting;
  private long backoffMillis = MIN_BACKOFF_MS;
  private final CheckBatcher calls;

  /**
   * Completed once the first connection is open and has the script loaded, or a connection attempt
   * failed (then the agent goes on, deciding by the failure policy until Redis is back).
   */
  private final Promise<Void> prepared = Promise.promise();

  /** The nodes the last connection loaded the script on. */
  private volatile int scriptNodes;

  /**
   * @param cluster Cluster mode: batches are cut per hash slot, and a node's loss does not drop the
   *     whole connection
   */
  LoopConnection(
      Vertx vertx,
      Context context,
      RedisOptions options,
      boolean cluster,
      String endpoint,
      ScriptCalls script,
      int maxBatch,
      Store store) {
    this.vertx = vertx;
    this.context = context;
    this.client = Redis.createClient(vertx, options);
    this.cluster = cluster;
    this.endpoint = endpoint;
    this.script = script;
    this.maxBatch = maxBatch;
    this.store = store;
    this.calls =
        new CheckBatcher(
            context,
            cluster,
            maxBatch,
            () -> connection,
            this::send,
            store::notConnected,
            this::dropped);
  }

  /** The open connection, null while there is none. */
  RedisConnection connection() {
    return connection;
  }

  /** This loop's queue of checks, for calls made on this loop. */
  CheckBatcher calls() {
    return calls;
  }

  Future<Void> prepared() {
    return prepared.future();
  }

  int scriptNodes() {
    return scriptNodes;
  }

  /**
   * Cluster: one pipelined batch per master ({@link NodeWrites}); else one script call per batch.
   */
  private List<Future<List<AcquireResult>>> send(
      RedisConnection connection, List<Batches.Batch> batches) {
    if (cluster) {
      return NodeWrites.send(connection, batches, script, maxBatch);
    }
    List<Future<List<AcquireResult>>> results = new ArrayList<>(batches.size());
    batches.forEach(b -> results.add(script.call(connection, b.checks())));
    return results;
  }

  Future<Void> connectNow() {
    if (connection != null || connecting || store.closed()) {
      return Future.succeededFuture();
    }
    connecting = true;
    return client
        .connect()
        .onSuccess(this::attach)
        .onFailure(
            err -> {
              connecting = false;
              store.lastConnectError(RedisErrors.describe(err));
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

  private void connectLater(long delayMillis) {
    if (store.closed()) {
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
    if (store.closed()) {
      c.close();
      return;
    }
    store.lastConnectError(null);
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
    Request load = Request.cmd(Command.SCRIPT).arg("LOAD").arg(script.script().source());
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
          "Lost a connection to a node of Redis {}; connecting afresh in the background", endpoint);
      context.runOnContext(v -> reconnectInBackground());
      return;
    }
    connection = null;
    LOG.warn("Lost the connection to Redis at {}; reconnecting", endpoint);
    connectLater(MIN_BACKOFF_MS);
  }

  /** Cluster: like {@link #connectNow}, but while a connection is still in use. */
  private void reconnectInBackground() {
    if (connecting || store.closed()) {
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
