package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls of the rate-limit script ({@link LuaScript#LIMITS}, or its Cluster form {@link
 * LuaScript#LIMITS_ACROSS_SLOTS}) over one connection and what their replies mean, under the
 * timeout rule: each call is bounded by {@link StoreDeadline} from the moment it is sent and
 * carries its deadline in Redis's time ({@link RedisClock}), so a call that Redis runs too late
 * decides nothing and answers "expired". An expired call is sent again (it consumed nothing) as
 * long as {@link StoreDeadline#MAX_TIMEOUTS} timeouts have not passed since the first attempt:
 * Redis ran it late because this agent waited longer than the timeout for it, having been held up
 * itself, or because the estimate of Redis's clock was behind. Otherwise an expired call is a
 * timeout.
 */
final class ScriptCalls {

  private final Vertx vertx;
  private final String endpoint;
  private final long timeoutMillis;
  private final LuaScript script;
  private final RedisClock clock = new RedisClock();
  private final LongAdder lateCounted = new LongAdder();

  ScriptCalls(Vertx vertx, String endpoint, long timeoutMillis, LuaScript script) {
    this.vertx = vertx;
    this.endpoint = endpoint;
    this.timeoutMillis = timeoutMillis;
    this.script = script;
  }

  /** The script these calls run. */
  LuaScript script() {
    return script;
  }

  /** One script call deciding {@code checks} in order. */
  Future<List<AcquireResult>> call(RedisConnection connection, List<LuaScript.Check> checks) {
    return attempt(connection, checks, RedisClock.now());
  }

  /**
   * One script call deciding {@code checks} in order, part of work begun at {@code begunAt}: the
   * {@link StoreDeadline#MAX_TIMEOUTS} count from there.
   */
  Future<List<AcquireResult>> call(
      RedisConnection connection, List<LuaScript.Check> checks, long begunAt) {
    return attempt(connection, checks, begunAt);
  }

  /**
   * {@code step} of a call that is not sent yet (e.g. finding a Cluster's nodes), bounded like a
   * call begun at {@code begunAt}: a step still unfinished after the timeout fails, and what it
   * yields later is dropped.
   */
  <T> Future<T> bounded(Future<T> step, long begunAt) {
    return StoreDeadline.bound(vertx, step, timeoutMillis, begunAt, this::noAnswer, late -> {});
  }

  private Future<List<AcquireResult>> attempt(
      RedisConnection connection, List<LuaScript.Check> checks, long begunAt) {
    if (connection.pendingQueueFull()) {
      return Future.failedFuture(
          new StoreUnavailableException(
              StoreUnavailableException.Reason.ERROR,
              "the pipeline to Redis at " + endpoint + " is full"));
    }
    long deadline = deadline(RedisClock.now());
    Future<Response> reply =
        LuaScript.withFallback(
            byText ->
                connection.send(
                    byText ? script.eval(checks, deadline) : script.evalsha(checks, deadline)));
    return settle(reply, connection, checks, begunAt);
  }

  /** The deadline in Redis's time of a call sent at {@code sentAt}. */
  long deadline(long sentAt) {
    return clock.deadline(sentAt, timeoutMillis);
  }

  /**
   * Bounds {@code reply}, sent just now, and reads it into results; an expired call is sent again.
   *
   * @param begunAt when the call's first attempt was sent
   */
  Future<List<AcquireResult>> settle(
      Future<Response> reply,
      RedisConnection connection,
      List<LuaScript.Check> checks,
      long begunAt) {
    return StoreDeadline.bound(
            vertx, reply, timeoutMillis, begunAt, this::noAnswer, late -> lateReply(late, checks))
        .transform(
            ar -> {
              if (ar.failed()) {
                return Future.failedFuture(unavailable(ar.cause()));
              }
              long readAt = RedisClock.now();
              clock.observe(LuaScript.clockOf(ar.result()), readAt);
              if (LuaScript.expired(ar.result())) {
                if (readAt - begunAt < StoreDeadline.MAX_TIMEOUTS * timeoutMillis) {
                  return attempt(connection, checks, begunAt);
                }
                return Future.failedFuture(
                    new StoreUnavailableException(
                        StoreUnavailableException.Reason.TIMEOUT,
                        "Redis at "
                            + endpoint
                            + " ran the call only after its timeout of "
                            + timeoutMillis
                            + " ms, "
                            + StoreDeadline.MAX_TIMEOUTS
                            + " times; nothing was counted"));
              }
              try {
                return Future.succeededFuture(LuaScript.toResults(ar.result(), checks));
              } catch (StoreUnavailableException e) {
                return Future.failedFuture(e);
              }
            });
  }

  /** Redis's time was read from {@code reply} (e.g. of {@code TIME} right after connecting). */
  void observeTime(Response time) {
    if (time != null && time.size() == 2) {
      clock.observe(time.get(0).toLong() * 1000 + time.get(1).toLong() / 1000, RedisClock.now());
    }
  }

  /**
   * Requests the failure policy decided whose call Redis ran in time after all, with the reply on
   * its way back too slowly: they were counted (the bound docs/redis.md states).
   */
  long lateCounted() {
    return lateCounted.sum();
  }

  private void lateReply(Response reply, List<LuaScript.Check> checks) {
    if (LuaScript.expired(reply)) {
      return; // decided nothing
    }
    try {
      for (AcquireResult result : LuaScript.toResults(reply, checks)) {
        if (result != null && result.allowed()) {
          lateCounted.increment();
        }
      }
    } catch (StoreUnavailableException ignored) {
      // not a reply we can read: nothing to count
    }
  }

  private StoreUnavailableException noAnswer(String detail) {
    return new StoreUnavailableException(
        StoreUnavailableException.Reason.TIMEOUT,
        "Redis at " + endpoint + " did not answer within " + timeoutMillis + " ms" + detail);
  }

  /** Any failure of a call as what the failure policy sees, with its reason. */
  StoreUnavailableException unavailable(Throwable cause) {
    if (cause instanceof StoreUnavailableException e) {
      return e;
    }
    if (cause instanceof TimeoutException) {
      return noAnswer("");
    }
    return new StoreUnavailableException(
        RedisErrors.isClosed(cause) || cause instanceof java.io.IOException
            ? StoreUnavailableException.Reason.DISCONNECTED
            : StoreUnavailableException.Reason.ERROR,
        "Redis at " + endpoint + " failed: " + cause.getMessage(),
        cause);
  }
}
