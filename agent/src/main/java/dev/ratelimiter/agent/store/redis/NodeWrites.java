package dev.ratelimiter.agent.store.redis;

import dev.ratelimiter.agent.store.AcquireResult;
import dev.ratelimiter.agent.store.StoreUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.RequestGrouping;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis Cluster: the script calls of one flush — one per hash slot, since a script may only touch
 * keys of one slot — grouped by the master that serves their slots (the client library's own slot
 * map) and sent to each master as one pipelined batch. Clients spread over 16,384 slots, so a call
 * rarely carries more than one decision; sending a master its calls together at least spares it
 * (and the agent) a socket round per call.
 *
 * <p>A batch fails as a whole when one of its calls fails. All of a batch's calls go to one node,
 * so a {@code NOSCRIPT} (the node has not seen the script yet) refuses all of them before any runs,
 * and the batch is sent again with {@code EVAL}. Every call is bounded and read by {@link
 * ScriptCalls}, from before the grouping: finding the nodes may wait for the slot map.
 */
final class NodeWrites {

  private NodeWrites() {}

  /** Sends {@code batches} and returns one future per batch, in order. */
  static List<Future<List<AcquireResult>>> send(
      RedisConnection connection, List<Batches.Batch> batches, ScriptCalls calls) {
    long sentAt = RedisClock.now();
    long deadline = calls.deadline(sentAt);
    List<Promise<Response>> replies = new ArrayList<>(batches.size());
    Map<Request, Integer> index = new IdentityHashMap<>();
    List<Request> requests = new ArrayList<>(batches.size());
    for (int i = 0; i < batches.size(); i++) {
      replies.add(Promise.promise());
      Request request = LuaScript.LIMITS.evalsha(batches.get(i).checks(), deadline);
      index.put(request, i);
      requests.add(request);
    }
    RedisCluster.create(connection)
        .groupByNodes(requests)
        .onComplete(
            grouped -> {
              if (grouped.failed()) {
                replies.forEach(r -> r.tryFail(grouped.cause()));
                return;
              }
              for (List<Request> group : groups(grouped.result())) {
                List<Integer> ids = group.stream().map(index::get).toList();
                sendGroup(connection, group, ids, batches, deadline)
                    .onComplete(
                        sent -> {
                          for (int k = 0; k < ids.size(); k++) {
                            Promise<Response> reply = replies.get(ids.get(k));
                            if (sent.succeeded()) {
                              reply.tryComplete(sent.result().get(k));
                            } else {
                              reply.tryFail(sent.cause());
                            }
                          }
                        });
              }
            });
    List<Future<List<AcquireResult>>> results = new ArrayList<>(batches.size());
    for (int i = 0; i < batches.size(); i++) {
      results.add(
          calls.settle(replies.get(i).future(), connection, batches.get(i).checks(), sentAt));
    }
    return results;
  }

  private static Future<List<Response>> sendGroup(
      RedisConnection connection,
      List<Request> group,
      List<Integer> ids,
      List<Batches.Batch> batches,
      long deadline) {
    if (connection.pendingQueueFull()) {
      return Future.failedFuture(
          new StoreUnavailableException(
              StoreUnavailableException.Reason.ERROR, "the pipeline to Redis is full"));
    }
    return LuaScript.withFallback(
        byText ->
            byText
                ? connection.batch(
                    ids.stream()
                        .map(i -> LuaScript.LIMITS.eval(batches.get(i).checks(), deadline))
                        .toList())
                : connection.batch(group));
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
