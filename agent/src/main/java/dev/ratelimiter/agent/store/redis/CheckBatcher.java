package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.StoreUnavailableException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.RedisConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One event loop's checks on their way to Redis, batched into script calls. A check goes at once
 * when no script call of the loop is out; while one is, checks gather for the next, so under load
 * Redis pays its per-call work once for many decisions (and when idle nothing waits). A call's
 * timeout runs from when it is sent ({@link StoreDeadline}): the wait for its turn is this agent's,
 * not Redis's, and is at most the previous call's. Touched only on its event loop.
 */
final class CheckBatcher {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CheckBatcher.class);

  /** Sends batches over a connection: one future per batch, in order. */
  interface Sender {
    List<Future<List<AcquireResult>>> send(RedisConnection connection, List<Batches.Batch> batches);
  }

  private final Context context;
  private final boolean bySlot;
  private final int maxBatch;
  private final Supplier<RedisConnection> connection;
  private final Sender sender;
  private final Supplier<StoreUnavailableException> notConnected;
  private final Consumer<RedisConnection> closed;

  private List<LuaScript.Check> pending = new ArrayList<>();
  private List<Promise<AcquireResult>> waiting = new ArrayList<>();
  private boolean flushScheduled;
  private int inFlight;

  /**
   * @param bySlot Cluster: cut batches per hash slot
   * @param connection the loop's current connection, null while there is none
   * @param closed told of a connection a call found closed
   */
  CheckBatcher(
      Context context,
      boolean bySlot,
      int maxBatch,
      Supplier<RedisConnection> connection,
      Sender sender,
      Supplier<StoreUnavailableException> notConnected,
      Consumer<RedisConnection> closed) {
    this.context = context;
    this.bySlot = bySlot;
    this.maxBatch = maxBatch;
    this.connection = connection;
    this.sender = sender;
    this.notConnected = notConnected;
    this.closed = closed;
  }

  Future<AcquireResult> enqueue(LuaScript.Check check) {
    Promise<AcquireResult> promise = Promise.promise();
    pending.add(check);
    waiting.add(promise);
    if (!flushScheduled && inFlight == 0) {
      // after the requests the loop read in this turn, so they share the call
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
    return promise.future();
  }

  private void flush() {
    flushScheduled = false;
    if (pending.isEmpty()) {
      return;
    }
    List<Batches.Batch> batches = Batches.split(pending, waiting, bySlot, maxBatch);
    pending = new ArrayList<>();
    waiting = new ArrayList<>();
    RedisConnection c = connection.get();
    List<Future<List<AcquireResult>>> calls = new ArrayList<>(batches.size());
    if (c == null) {
      batches.forEach(b -> calls.add(Future.failedFuture(notConnected.get())));
    } else {
      calls.addAll(sender.send(c, batches));
    }
    inFlight += batches.size();
    for (int n = 0; n < batches.size(); n++) {
      Batches.Batch batch = batches.get(n);
      calls
          .get(n)
          .onComplete(
              ar -> {
                try {
                  if (ar.failed() && c != null && RedisErrors.isClosed(ar.cause())) {
                    // The library may not call the end handler (e.g. when the server died
                    // mid-reply): a closed connection is never used again, whatever told us.
                    closed.accept(c);
                  }
                  for (int i = 0; i < batch.promises().size(); i++) {
                    answer(batch, i, ar);
                  }
                } finally {
                  answered();
                }
              });
    }
  }

  /**
   * Hands check {@code i} its answer. What its request does with it runs right here, so a failure
   * in there must not keep the batch's other checks, or the loop's next call, from their turn.
   */
  private static void answer(
      Batches.Batch batch, int i, io.vertx.core.AsyncResult<List<AcquireResult>> ar) {
    try {
      if (ar.succeeded()) {
        settle(batch.checks().get(i), ar.result().get(i)).onComplete(batch.promises().get(i));
      } else {
        batch.promises().get(i).fail(ar.cause());
      }
    } catch (RuntimeException e) {
      LOG.warn("A request failed on its store answer; the others go on", e);
    }
  }

  /** A call was answered (or timed out): once none is out, the checks that gathered go. */
  private void answered() {
    inFlight--;
    if (inFlight == 0 && !flushScheduled && !pending.isEmpty()) {
      // Not from here: this runs while the loop reads Redis's reply, and Vert.x holds back what a
      // connection writes during its own read until the read is over.
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
  }

  /**
   * A null result is a tampered counter: a store error for this request alone; so is a check whose
   * slot moved again while it was sent on its own ({@link LuaScript#MOVED}).
   */
  static Future<AcquireResult> settle(LuaScript.Check check, AcquireResult result) {
    if (result == LuaScript.MOVED) {
      return Future.failedFuture(
          new StoreUnavailableException(
              StoreUnavailableException.Reason.ERROR,
              "the Redis Cluster slot of client "
                  + check.client()
                  + " moved while its check was sent; nothing was counted"));
    }
    return result != null
        ? Future.succeededFuture(result)
        : Future.failedFuture(LuaScript.tampered(check));
  }
}
