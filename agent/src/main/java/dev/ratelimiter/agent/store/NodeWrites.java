package dev.ratelimiter.agent.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.RequestGrouping;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Redis Cluster: the script calls of one flush — one per hash slot, since a script may only touch
 * keys of one slot — grouped by the master that serves their slots (the client library's own slot
 * map) and sent to each master as one pipelined batch. Clients spread over 16,384 slots, so a call
 * rarely carries more than one decision; sending a master its calls together at least spares it
 * (and the agent) a socket round per call.
 *
 * <p>A batch fails as a whole when one of its calls fails. All of a batch's calls go to one node,
 * so a {@code NOSCRIPT} (the node has not seen the script yet) refuses all of them before any runs,
 * and the batch is sent again with {@code EVAL}.
 */
final class NodeWrites {

  private NodeWrites() {}

  /**
   * Sends {@code batches} and returns one future per batch, in order, each bounded by {@code
   * timeoutMillis}.
   *
   * @param unavailable turns a failure into what the failure policy sees
   */
  static List<Future<List<AcquireResult>>> send(
      RedisConnection connection,
      List<Batches.Batch> batches,
      long timeoutMillis,
      Function<Throwable, StoreUnavailableException> unavailable) {
    List<Promise<List<AcquireResult>>> outcomes = new ArrayList<>(batches.size());
    Map<Request, Integer> index = new IdentityHashMap<>();
    List<Request> requests = new ArrayList<>(batches.size());
    for (int i = 0; i < batches.size(); i++) {
      outcomes.add(Promise.promise());
      Request request = LuaScript.LIMITS.evalsha(batches.get(i).checks());
      index.put(request, i);
      requests.add(request);
    }
    RedisCluster.create(connection)
        .groupByNodes(requests)
        .onComplete(
            grouped -> {
              if (grouped.failed()) {
                outcomes.forEach(o -> o.tryFail(unavailable.apply(grouped.cause())));
                return;
              }
              for (List<Request> group : groups(grouped.result())) {
                List<Integer> ids = group.stream().map(index::get).toList();
                sendGroup(connection, group, ids, batches, timeoutMillis)
                    .onComplete(
                        sent -> {
                          for (int k = 0; k < ids.size(); k++) {
                            Promise<List<AcquireResult>> outcome = outcomes.get(ids.get(k));
                            if (sent.failed()) {
                              outcome.tryFail(unavailable.apply(sent.cause()));
                              continue;
                            }
                            try {
                              outcome.tryComplete(
                                  LuaScript.toResults(
                                      sent.result().get(k), batches.get(ids.get(k)).checks()));
                            } catch (StoreUnavailableException e) {
                              outcome.tryFail(e);
                            }
                          }
                        });
              }
            });
    // bounded as a whole too: finding the nodes may wait for the slot map
    return outcomes.stream()
        .map(
            o ->
                o.future()
                    .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                    .recover(err -> Future.failedFuture(unavailable.apply(err))))
        .toList();
  }

  private static Future<List<io.vertx.redis.client.Response>> sendGroup(
      RedisConnection connection,
      List<Request> group,
      List<Integer> ids,
      List<Batches.Batch> batches,
      long timeoutMillis) {
    if (connection.pendingQueueFull()) {
      return Future.failedFuture(new StoreUnavailableException("Redis pipeline is full"));
    }
    return LuaScript.withFallback(
            byText ->
                byText
                    ? connection.batch(
                        ids.stream()
                            .map(i -> LuaScript.LIMITS.eval(batches.get(i).checks()))
                            .toList())
                    : connection.batch(group))
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Every node's calls; a call the library could not place (none expected) goes on its own. */
  private static List<List<Request>> groups(RequestGrouping grouping) {
    List<List<Request>> groups = new ArrayList<>(grouping.getKeyed());
    for (Request unplaced : grouping.getUnkeyed()) {
      groups.add(List.of(unplaced));
    }
    return groups;
  }
}
